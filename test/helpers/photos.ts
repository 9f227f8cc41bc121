import { facePhotoJpeg } from "./faces";

/**
 * A portrait-sized JPEG with a real face (fixture person 0, from the face package's samples), so
 * it passes the face check: every seed is the same person on a different background.
 */
export async function portraitJpeg(seed = 1, width = 768, height = 1024): Promise<Buffer> {
  return facePhotoJpeg(0, { seed, width, height });
}

export function photoForm(fields: Record<string, string | number | undefined>, photos: Array<{ bytes: Buffer; name?: string; type?: string }>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, String(v));
  photos.forEach((p, i) => form.set(`photo${i}`, new File([new Uint8Array(p.bytes)], p.name ?? `photo${i}.jpg`, { type: p.type ?? "image/jpeg" })));
  return form;
}
