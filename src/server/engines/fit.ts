import sharp from "sharp";
import { verifyImage } from "./huggingface";

/**
 * A model that can't be told the size (Replicate's PhotoMaker makes SDXL's 1024×1024; FLUX picks
 * from aspect ratios) gets its image fitted to the tier's: scaled and, when the aspect differs,
 * centre-cropped, as a PNG. An image already at the size is kept byte for byte. Both sizes are
 * returned: the avatar records what the model made and what we delivered.
 */
export async function fitToSize(bytes: Buffer, width: number, height: number) {
  const made = await verifyImage(bytes);
  if (made.width === width && made.height === height) {
    return { bytes, contentType: made.contentType, modelWidth: made.width, modelHeight: made.height };
  }
  const fitted = await sharp(bytes).resize(width, height, { fit: "cover", position: "centre" }).png().toBuffer();
  return { bytes: fitted, contentType: "image/png", modelWidth: made.width, modelHeight: made.height };
}
