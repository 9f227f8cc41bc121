import sharp from "sharp";
import type { FaceBox } from "./judge";
import { CROP_FACE_SCALE } from "./thresholds";

/**
 * Face-centred inputs: a square around the face, CROP_FACE_SCALE times its side (hair, chin and
 * some shoulders stay in), moved inside the photo rather than padded. PhotoMaker finds the face
 * again in it; the request gets smaller and the identity encoder sees more face per pixel.
 */

/** Longest side of a crop sent on; larger crops are scaled down (PhotoMaker works at 1024). */
export const CROP_MAX_SIDE = 1024;

/** The crop region, as fractions of the photo. */
export function cropRegion(face: FaceBox, width: number, height: number): FaceBox {
  const side = Math.min(Math.max(face.width * width, face.height * height) * CROP_FACE_SCALE, width, height);
  const cx = (face.x + face.width / 2) * width;
  const cy = (face.y + face.height / 2) * height;
  const left = Math.min(Math.max(0, cx - side / 2), width - side);
  const top = Math.min(Math.max(0, cy - side / 2), height - side);
  return { x: left / width, y: top / height, width: side / width, height: side / height };
}

export async function cropToFace(jpeg: Buffer, width: number, height: number, face: FaceBox): Promise<{ jpeg: Buffer; region: FaceBox }> {
  const region = cropRegion(face, width, height);
  const left = Math.round(region.x * width);
  const top = Math.round(region.y * height);
  const side = Math.max(1, Math.min(Math.round(region.width * width), width - left, height - top));
  const out = await sharp(jpeg)
    .extract({ left, top, width: side, height: side })
    .resize({ width: CROP_MAX_SIDE, height: CROP_MAX_SIDE, fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 92, chromaSubsampling: "4:2:0" })
    .toBuffer();
  return { jpeg: out, region };
}
