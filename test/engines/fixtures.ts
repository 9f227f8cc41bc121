import sharp from "sharp";
import type { GenerationInput } from "~/server/engines";

/** A small JPEG with a diagonal gradient (so crops and styles visibly change pixels). */
export async function makePhoto(width = 48, height = 64, tint = 0): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = (tint + x + y) % 256;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

export async function makeInput(overrides: Partial<GenerationInput> = {}): Promise<GenerationInput> {
  return {
    prompt: "a photo of a woman img, wearing a suit, professional portrait photography",
    negativePrompt: "nsfw, lowres, bad anatomy",
    fluxPrompt: "a photo of a woman, wearing a suit, professional portrait photography",
    photos: [await makePhoto(48, 64, 0), await makePhoto(40, 40, 90)],
    width: 96,
    height: 128,
    steps: 50,
    guidance: 5,
    styleStrengthRatio: 20,
    seed: 1234,
    style: "Photographic (Default)",
    ...overrides,
  };
}

/** Awaits a rejection and returns it (fails the test if the promise resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, got a result");
}
