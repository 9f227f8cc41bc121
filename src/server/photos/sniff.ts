/**
 * Content sniffing by magic bytes: the first gate, before any decoder sees the bytes. A name or a
 * declared type is never trusted. Only JPEG and PNG pass; everything else (GIF, WebP, SVG, HEIC,
 * AVIF, TIFF, text) is refused here, so their decoders are never reached with user bytes.
 */

export type PhotoFormat = "jpeg" | "png";

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, magic: number[]) =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

export function sniffFormat(bytes: Uint8Array): PhotoFormat | undefined {
  if (startsWith(bytes, JPEG_MAGIC)) return "jpeg";
  if (startsWith(bytes, PNG_MAGIC)) return "png";
  return undefined;
}
