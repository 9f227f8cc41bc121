import sharp, { type Metadata } from "sharp";
import {
  JPEG_QUALITY_MIN,
  JPEG_QUALITY_START,
  JPEG_QUALITY_STEP,
  JPEG_SHRINK_FACTOR,
  MAX_INPUT_PIXELS,
  MAX_OUTPUT_SIDE,
  TARGET_JPEG_BYTES,
} from "./limits";
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

function decodeWith(input: Buffer, failOn: "warning" | "error") {
  return sharp(input, { failOn, limitInputPixels: MAX_INPUT_PIXELS, sequentialRead: true })
    .autoOrient() // applies EXIF orientation, so the pixels stand upright without metadata
    .resize({ width: MAX_OUTPUT_SIDE, height: MAX_OUTPUT_SIDE, fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" }) // JPEG has no alpha; transparent PNGs go on white
    .toColourspace("srgb") // CMYK (via ICC), greyscale, 16-bit and wide-gamut → 8-bit sRGB
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
}

/** Decodes fully (so truncation and corruption surface here, not later) into 8-bit sRGB. */
export async function decodeToSrgb(input: Buffer, header: { width: number; height: number }): Promise<RawImage> {
  const classify = (error: unknown) =>
    new DecodeFailed(
      error instanceof Error && /pixel limit/i.test(error.message)
        ? { kind: "too-many-pixels", ...header }
        : { kind: "damaged" },
      error,
    );
  let result: Awaited<ReturnType<typeof decodeWith>>;
  try {
    result = await decodeWith(input, "warning");
  } catch (error) {
    if (!onlyBenignWarnings(error)) throw classify(error);
    try {
      result = await decodeWith(input, "error"); // still refuses truncated and undecodable data
    } catch (retryError) {
      throw classify(retryError);
    }
  }
  const { data, info } = result;
  if (info.channels !== 3) throw new DecodeFailed({ kind: "damaged" }); // never expected after srgb+flatten
  return { data, width: info.width, height: info.height };
}

/** Mean and spread of perceptual lightness (libvips greyscale is L*-based), 0–255. */
export async function lightness(img: RawImage): Promise<{ mean: number; stdev: number }> {
  // stats() measures the pipeline input, so the greyscale copy is made first, then measured.
  const grey = await sharp(img.data, rawOf(img)).greyscale().raw().toBuffer();
  const stats = await sharp(grey, rawOf(img, 1)).stats();
  const channel = stats.channels[0];
  if (!channel) throw new Error("sharp stats returned no channel");
  return { mean: channel.mean, stdev: channel.stdev };
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
export async function encodeJpeg(img: RawImage, targetBytes = TARGET_JPEG_BYTES): Promise<EncodedJpeg> {
  let quality = JPEG_QUALITY_START;
  let side = Math.max(img.width, img.height);
  for (;;) {
    const pipeline = sharp(img.data, rawOf(img));
    if (side < Math.max(img.width, img.height)) pipeline.resize({ width: side, height: side, fit: "inside" });
    const { data, info } = await pipeline
      .jpeg({ quality, chromaSubsampling: "4:2:0", optimiseCoding: true })
      .toBuffer({ resolveWithObject: true });
    if (data.length <= targetBytes || side <= 16) return { jpeg: data, width: info.width, height: info.height, quality };
    if (quality - JPEG_QUALITY_STEP >= JPEG_QUALITY_MIN) quality -= JPEG_QUALITY_STEP;
    else side = Math.max(16, Math.floor(side * JPEG_SHRINK_FACTOR));
  }
}
