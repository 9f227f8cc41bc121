import { JPEG_QUALITY_MIN, JPEG_QUALITY_START, JPEG_QUALITY_STEP, MAX_OUTPUT_SIDE, TARGET_JPEG_BYTES } from "~/server/photos/limits";

/**
 * Shrinking photos in the browser before upload: the rules, as plain functions (the Web Worker in
 * downscale.worker.ts does the pixels, useDownscale.ts the bookkeeping). A phone's 3–12 MB photo
 * becomes a ≤ 2048 px JPEG of about 1 MB, so four of them cross a slow uplink in seconds. The server
 * still checks and normalizes every photo as before; this only decides what is sent.
 */

/** A browser without workers, OffscreenCanvas or createImageBitmap sends photos as chosen. */
export const canDownscale = () => typeof Worker !== "undefined" && typeof OffscreenCanvas !== "undefined" && typeof createImageBitmap !== "undefined";

/** The long side sent: what the server keeps anyway (src/server/photos/limits.ts). */
export const UPLOAD_MAX_SIDE = MAX_OUTPUT_SIDE;
/**
 * JPEG qualities (0–1) tried in turn until the photo fits the server's size target (~1 MB): the
 * server's own steps (0.9, 0.85, … 0.6), so the server keeps the quality it is sent at and
 * re-encodes in one pass (src/server/photos/jpeg-quality.ts). Most photos fit at the first; very
 * detailed or noisy ones take a step or two. At the floor the photo goes as it is.
 */
export const UPLOAD_JPEG_QUALITIES: readonly number[] = Array.from(
  { length: Math.floor((JPEG_QUALITY_START - JPEG_QUALITY_MIN) / JPEG_QUALITY_STEP) + 1 },
  (_, i) => (JPEG_QUALITY_START - i * JPEG_QUALITY_STEP) / 100,
);
/** The size each re-encode aims under. */
export const UPLOAD_TARGET_BYTES = TARGET_JPEG_BYTES;

export interface Size {
  width: number;
  height: number;
}

/** The size that fits `maxSide` on the long side, proportions kept; never enlarged. */
export function fitWithin(size: Size, maxSide = UPLOAD_MAX_SIDE): Size {
  const long = Math.max(size.width, size.height);
  if (long <= maxSide) return { width: size.width, height: size.height };
  const scale = maxSide / long;
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/**
 * Whether a decoded photo is worth re-encoding: too many pixels, or too many bytes for its pixels.
 * A small, light photo is sent as chosen (a re-encode would only lose quality).
 */
export function worthReencoding(size: Size, bytes: number, maxSide = UPLOAD_MAX_SIDE): boolean {
  return Math.max(size.width, size.height) > maxSide || bytes > TARGET_JPEG_BYTES;
}

/** What the worker answered for one photo. */
export type DownscaleOutcome =
  | { kind: "encoded"; blob: Blob; width: number; height: number }
  /** Decoded, but already small enough: sent as chosen. */
  | { kind: "kept" }
  /** The browser can't decode it (HEIC on most browsers, a renamed file): sent as chosen, the server decides. */
  | { kind: "undecodable"; reason: string };

/**
 * The file to upload: the re-encoded one only when it is smaller, else the original. It keeps the
 * chosen name, so the server's messages ("Photo 2 (IMG_0001.PNG) …") name the file the user
 * picked; the server goes by the bytes, never the name.
 */
export function chooseUpload(original: File, outcome: DownscaleOutcome): File {
  if (outcome.kind !== "encoded" || outcome.blob.size >= original.size) return original;
  return new File([outcome.blob], original.name, { type: "image/jpeg", lastModified: original.lastModified });
}

export interface UploadSize {
  /** Bytes as chosen. */
  originalBytes: number;
  /** Bytes that will be sent; null while the photo is still being prepared. */
  uploadBytes: number | null;
}

const MiB = 1024 * 1024;
/** Megabytes (MiB, as the app's "10 MB" limit) with one decimal. */
export const megabytes = (bytes: number) => `${(bytes / MiB).toFixed(1)} MB`;

/**
 * The line under the photos: "4 photos · 38.2 MB → 3.1 MB" once shrunk, "1 photo · 0.4 MB" when
 * nothing was smaller, "4 photos · 38.2 MB · preparing for upload…" while the worker runs; null
 * without photos.
 */
export function formatUploadSaving(photos: readonly UploadSize[]): string | null {
  if (photos.length === 0) return null;
  const count = `${photos.length} ${photos.length === 1 ? "photo" : "photos"}`;
  const original = photos.reduce((sum, p) => sum + p.originalBytes, 0);
  if (photos.some((p) => p.uploadBytes === null)) return `${count} · ${megabytes(original)} · preparing for upload…`;
  const upload = photos.reduce((sum, p) => sum + (p.uploadBytes ?? 0), 0);
  return upload < original ? `${count} · ${megabytes(original)} → ${megabytes(upload)}` : `${count} · ${megabytes(original)}`;
}
