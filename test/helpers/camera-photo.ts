import sharp from "sharp";
import { facePhotoJpeg } from "./faces";

/**
 * A photo as a phone camera writes it, for upload tests and the upload benchmark: fixture person 0
 * (a real face, test/helpers/faces.ts) upright in a portrait frame, with sensor-like noise so
 * the JPEG is really as heavy as a camera's (JPEG can't squeeze noise), stored sideways with EXIF
 * orientation 6 as phones do, and camera EXIF (make, model, GPS). Made in memory, nothing downloaded.
 */
export interface CameraPhotoOptions {
  /** Stored pixels (landscape, as the sensor reads out); upright it is height×width. */
  width?: number;
  height?: number;
  /** Noise amplitude (± levels of 255). */
  noise?: number;
  quality?: number;
  seed?: number;
}

export async function cameraPhotoJpeg(options: CameraPhotoOptions = {}): Promise<Buffer> {
  const { width = 6000, height = 4000, noise = 20, quality = 92, seed = 1 } = options;
  const upright = await facePhotoJpeg(0, { seed, width: height, height: width });
  const { data, info } = await sharp(upright).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let state = seed * 7919 + 1;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const value = data[i]! + (((state >>> 24) - 128) * noise) / 128;
    data[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
  // Orientation 6: shown turned 90° clockwise, so the pixels are stored turned 90° anticlockwise.
  const sideways = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).rotate(270).raw().toBuffer({ resolveWithObject: true });
  return sharp(sideways.data, { raw: { width: sideways.info.width, height: sideways.info.height, channels: 3 } })
    .jpeg({ quality })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "TestPhone", Model: `Camera ${width}x${height}` },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2400/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 600/100" },
    })
    .toBuffer();
}
