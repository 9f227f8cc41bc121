import sharp, { type Metadata, type OutputInfo, type Sharp } from "sharp";
import {
  JPEG_QUALITY_MIN,
  JPEG_QUALITY_START,
  JPEG_QUALITY_STEP,
  JPEG_SHRINK_FACTOR,
  MAX_INPUT_PIXELS,
  MAX_OUTPUT_SIDE,
  TARGET_JPEG_BYTES,
} from "./limits";
import { jpegQuality } from "./jpeg-quality";
import type { PhotoFormat } from "./sniff";

/**
 * The sharp side of the intake: check the header, decode once into a bounded 8-bit sRGB raw
 * image (oriented, at most MAX_OUTPUT_SIDE), measure it, and encode a fresh JPEG from the pixels.
 * Nothing of the input file survives but its pixels: EXIF, GPS, XMP, ICC, text chunks, trailing
 * payloads (polyglots) and extra APNG frames are all gone because the output is built from raw.
 * Everything stays in memory; nothing is written to disk.
 */

export type DecodeFailure =
  | { kind: "wrong-format" }
  | { kind: "damaged" }
  | { kind: "too-many-pixels"; width: number; height: number };

export class DecodeFailed extends Error {
  constructor(
    readonly failure: DecodeFailure,
    cause?: unknown,
  ) {
    super(`photo decode failed: ${failure.kind}`, { cause });
    this.name = "DecodeFailed";
  }
}

/** 8-bit sRGB, 3 channels, row-major; at most MAX_OUTPUT_SIDE² × 3 bytes (12.6 MB). */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

const rawOf = (img: RawImage, channels: 1 | 3 = 3) => ({ raw: { width: img.width, height: img.height, channels } });

/** Reads only the header (no pixels are decoded, so no pixel limit is needed here). */
export async function checkHeader(input: Buffer, expected: PhotoFormat): Promise<{ width: number; height: number }> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new DecodeFailed({ kind: "damaged" }, error);
  }
  // The magic bytes said one thing; the decoder must agree (a PNG signature on a JPEG is a lie).
  if (meta.format !== expected) throw new DecodeFailed({ kind: "wrong-format" });
  const { width, height } = meta;
  if (!width || !height) throw new DecodeFailed({ kind: "damaged" });
  if (width * height > MAX_INPUT_PIXELS) throw new DecodeFailed({ kind: "too-many-pixels", width, height });
  return { width, height };
}

// Some cameras and editors write a few stray bytes between JPEG markers; libjpeg warns and the
// picture is intact. Every other warning (corrupt data, premature end) means a damaged photo.
const BENIGN_WARNING = /extraneous bytes before marker/i;
const onlyBenignWarnings = (error: unknown) => {
  const lines = (error instanceof Error ? error.message : "").split("\n").filter((l) => l.trim());
  return lines.length > 0 && lines.every((l) => BENIGN_WARNING.test(l));
};

/** The one decode: every pixel read, upright, bounded, 8-bit sRGB; `finish` picks the output. */
function decodeWith(input: Buffer, failOn: "warning" | "error") {
  return sharp(input, { failOn, limitInputPixels: MAX_INPUT_PIXELS, sequentialRead: true })
    .autoOrient() // applies EXIF orientation, so the pixels stand upright without metadata
    .resize({ width: MAX_OUTPUT_SIDE, height: MAX_OUTPUT_SIDE, fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" }) // JPEG has no alpha; transparent PNGs go on white
    .toColourspace("srgb"); // CMYK (via ICC), greyscale, 16-bit and wide-gamut → 8-bit sRGB
}

type Finish = (decoded: Sharp) => Sharp;

/** Decodes fully (so truncation and corruption surface here, not later), refusing damaged input. */
async function decodeFully(input: Buffer, header: { width: number; height: number }, finish: Finish) {
  const classify = (error: unknown) =>
    new DecodeFailed(
      error instanceof Error && /pixel limit/i.test(error.message)
        ? { kind: "too-many-pixels", ...header }
        : { kind: "damaged" },
      error,
    );
  let result: { data: Buffer; info: OutputInfo };
  try {
    result = await finish(decodeWith(input, "warning")).toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (!onlyBenignWarnings(error)) throw classify(error);
    try {
      // still refuses truncated and undecodable data
      result = await finish(decodeWith(input, "error")).toBuffer({ resolveWithObject: true });
    } catch (retryError) {
      throw classify(retryError);
    }
  }
  if (result.info.channels !== 3) throw new DecodeFailed({ kind: "damaged" }); // never expected after srgb+flatten
  return result;
}

/** Decodes into raw 8-bit sRGB pixels. */
export async function decodeToSrgb(input: Buffer, header: { width: number; height: number }): Promise<RawImage> {
  const { data, info } = await decodeFully(input, header, (p) => p.raw({ depth: "uchar" }));
  return { data, width: info.width, height: info.height };
}

const jpegOptions = (quality: number) => ({ quality, chromaSubsampling: "4:2:0", optimiseCoding: true }) as const;

/**
 * The first quality tried: JPEG_QUALITY_START, or the quality a JPEG was sent at when lower (a
 * browser that shrank the photo to the size target already chose it). Never under the floor.
 */
export function firstQuality(input: Uint8Array): number {
  const sent = jpegQuality(input);
  return sent === undefined ? JPEG_QUALITY_START : Math.min(JPEG_QUALITY_START, Math.max(JPEG_QUALITY_MIN, sent));
}

/**
 * Decode and encode in one streamed libvips pass, as fast as bare sharp (decoding to raw first and
 * then encoding cost a third more). Only a JPEG over the target goes back through raw pixels to
 * shrink, which costs that photo a second decode.
 */
export async function normalizePhoto(input: Buffer, header: { width: number; height: number }): Promise<EncodedJpeg> {
  const quality = firstQuality(input);
  const { data, info } = await decodeFully(input, header, (p) => p.jpeg(jpegOptions(quality)));
  if (data.length <= TARGET_JPEG_BYTES) return { jpeg: data, width: info.width, height: info.height, quality };
  return encodeJpeg(await decodeToSrgb(input, header), TARGET_JPEG_BYTES, Math.max(JPEG_QUALITY_MIN, quality - JPEG_QUALITY_STEP));
}

/** Longest side of the sample the lightness is measured on. */
const LIGHTNESS_SAMPLE_SIDE = 256;

/**
 * Mean and spread of perceptual lightness (libvips greyscale is L*-based), 0–255. Measured on a
 * nearest-neighbour sample (every k-th pixel, ≤ 256 px a side): it keeps the pixel distribution
 * — unlike an averaging resize, which would smooth noise and lower the spread — at 1/64 of the
 * work for a 2048 px photo (the full-size pass was a quarter of the whole intake's time).
 */
export async function lightness(img: RawImage | EncodedJpeg): Promise<{ mean: number; stdev: number }> {
  const step = Math.max(1, Math.floor(Math.max(img.width, img.height) / LIGHTNESS_SAMPLE_SIDE));
  const sample = "jpeg" in img ? sharp(img.jpeg) : sharp(img.data, rawOf(img));
  if (step > 1) {
    const [width, height] = [Math.max(1, Math.floor(img.width / step)), Math.max(1, Math.floor(img.height / step))];
    // No shrink-on-load for a JPEG: libjpeg's scaled decode averages, as a resize would.
    sample.resize({ width, height, fit: "fill", kernel: "nearest", fastShrinkOnLoad: false });
  }
  const grey = await sample.greyscale().raw().toBuffer();
  let sum = 0;
  let squares = 0;
  for (const v of grey) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / grey.length;
  return { mean, stdev: Math.sqrt(Math.max(0, squares / grey.length - mean * mean)) };
}

export interface EncodedJpeg {
  jpeg: Buffer;
  width: number;
  height: number;
  quality: number;
}

/**
 * Encodes a JPEG, lowering quality step by step until it fits the target; at the quality floor
 * it shrinks the image instead (only extremely noisy photos get there). The output carries no
 * metadata at all: it is made from raw pixels and sharp writes none unless asked.
 */
export async function encodeJpeg(img: RawImage, targetBytes = TARGET_JPEG_BYTES, startQuality = JPEG_QUALITY_START): Promise<EncodedJpeg> {
  let quality = startQuality;
  let side = Math.max(img.width, img.height);
  for (;;) {
    const pipeline = sharp(img.data, rawOf(img));
    if (side < Math.max(img.width, img.height)) pipeline.resize({ width: side, height: side, fit: "inside" });
    const { data, info } = await pipeline
      .jpeg(jpegOptions(quality))
      .toBuffer({ resolveWithObject: true });
    if (data.length <= targetBytes || side <= 16) return { jpeg: data, width: info.width, height: info.height, quality };
    if (quality - JPEG_QUALITY_STEP >= JPEG_QUALITY_MIN) quality -= JPEG_QUALITY_STEP;
    else side = Math.max(16, Math.floor(side * JPEG_SHRINK_FACTOR));
  }
}
