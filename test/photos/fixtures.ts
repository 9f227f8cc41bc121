import { crc32, deflateSync } from "node:zlib";
import sharp, { type Sharp } from "sharp";

/**
 * Test photos made on the fly with sharp (nothing is committed or written to disk): face-less
 * but photo-like pictures (smooth gradients plus sensor-like noise) and a corpus of hostile files.
 */

export const MiB = 1024 * 1024;

export interface PictureOptions {
  /** Mean brightness 0–255 (default 128). */
  level?: number;
  /** Gradient spread across the picture (default 120). */
  spread?: number;
  /** Noise amplitude ± (default 8). */
  noise?: number;
  seed?: number;
}

/** A smooth colour gradient with deterministic noise, as a sharp pipeline over raw RGB. */
export function picture(width: number, height: number, opts: PictureOptions = {}): Sharp {
  const { level = 128, spread = 120, noise = 8 } = opts;
  let state = opts.seed ?? 42;
  const data = Buffer.alloc(width * height * 3);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let y = 0, i = 0; y < height; y++) {
    const gy = y / height - 0.5;
    for (let x = 0; x < width; x++) {
      const gx = x / width - 0.5;
      state = (state * 1664525 + 1013904223) >>> 0; // LCG: fast and repeatable
      const n = ((state >>> 24) / 255 - 0.5) * 2 * noise;
      data[i++] = clamp(level + spread * gx + n);
      data[i++] = clamp(level + spread * gy + n);
      data[i++] = clamp(level - spread * (gx + gy) * 0.5 + n);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** A large picture quickly: one noisy band of rows, repeated (memcpy) down the image. */
export async function bigPicture(width: number, height: number, opts: PictureOptions = {}): Promise<Sharp> {
  const band = await picture(width, 120, opts).raw().toBuffer();
  const data = Buffer.alloc(width * height * 3);
  for (let offset = 0; offset < data.length; offset += band.length) band.copy(data, offset);
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export const jpeg = (w: number, h: number, opts?: PictureOptions) => picture(w, h, opts).jpeg({ quality: 85 }).toBuffer();
export const png = (w: number, h: number, opts?: PictureOptions) => picture(w, h, opts).png().toBuffer();

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
  return out;
}

function pngChunks(file: Buffer): Array<{ type: string; data: Buffer }> {
  const chunks = [];
  for (let p = 8; p < file.length; ) {
    const length = file.readUInt32BE(p);
    chunks.push({ type: file.toString("latin1", p + 4, p + 8), data: file.subarray(p + 8, p + 8 + length) });
    p += 12 + length;
  }
  return chunks;
}

const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
  return b;
};

/** A single-colour 1-bit PNG declaring width×height: 20000² is ~48 KB on disk, 400 MP decoded. */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.concat([u32(width, height), Buffer.from([1, 0, 0, 0, 0])]); // 1-bit grey
  const rows = deflateSync(Buffer.alloc((1 + Math.ceil(width / 8)) * height), { level: 9 });
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", rows), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A valid small JPEG whose SOF header is patched to claim width×height (a JPEG "bomb"). */
export async function jpegBomb(width: number, height: number): Promise<Buffer> {
  const file = Buffer.from(await jpeg(64, 64));
  for (let p = 2; p < file.length; ) {
    const marker = file[p + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      file.writeUInt16BE(height, p + 5);
      file.writeUInt16BE(width, p + 7);
      return file;
    }
    p += 2 + file.readUInt16BE(p + 2);
  }
  throw new Error("no SOF marker");
}

/** Two-frame APNG: frame 1 solid red (also the default image), frame 2 solid blue. */
export async function apngRedThenBlue(): Promise<Buffer> {
  const solid = (r: number, g: number, b: number) =>
    sharp({ create: { width: 64, height: 64, channels: 3, background: { r, g, b } } }).png().toBuffer();
  const red = pngChunks(await solid(255, 0, 0));
  const blue = pngChunks(await solid(0, 0, 255));
  const idat = (cs: typeof red) => Buffer.concat(cs.filter((c) => c.type === "IDAT").map((c) => c.data));
  const fctl = (seq: number) => Buffer.concat([u32(seq, 64, 64, 0, 0), Buffer.from([0, 1, 0, 1, 0, 0])]);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", red.find((c) => c.type === "IHDR")!.data),
    pngChunk("acTL", u32(2, 0)),
    pngChunk("fcTL", fctl(0)),
    pngChunk("IDAT", idat(red)),
    pngChunk("fcTL", fctl(1)),
    pngChunk("fdAT", Buffer.concat([u32(2), idat(blue)])),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A JPEG with stray bytes before its SOS marker: libjpeg warns, the picture is intact. */
export async function jpegWithExtraneousBytes(): Promise<Buffer> {
  const file = await jpeg(320, 240);
  const sos = file.indexOf(Buffer.from([0xff, 0xda]));
  return Buffer.concat([file.subarray(0, sos), Buffer.from([1, 2, 3, 4]), file.subarray(sos)]);
}

/** A JPEG with a block of zeros in its entropy-coded data (a lost disk sector, a bad transfer).
 * libjpeg notices ("premature end of data segment"); flipped bits alone it often cannot notice. */
export async function corruptJpeg(): Promise<Buffer> {
  const file = Buffer.from(await jpeg(640, 480, { noise: 30 }));
  const mid = Math.floor(file.length / 2);
  return file.fill(0, mid, mid + 2000);
}

/** An ISO-BMFF header as iPhones write it (HEIC); no decoder is needed to refuse it. */
export const heicHeader = () =>
  Buffer.concat([u32(24), Buffer.from("ftypheic", "latin1"), u32(0), Buffer.from("mif1heic", "latin1"), Buffer.alloc(64)]);

export const svg = (body = "") =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><rect width="600" height="600" fill="#c96"/>${body}</svg>`);

/** JPEG big-endian or little-endian EXIF: does it hold a GPS IFD pointer (tag 0x8825)? */
export const exifHasGps = (exif: Buffer) =>
  exif.includes(Buffer.from([0x88, 0x25, 0x00, 0x04])) || exif.includes(Buffer.from([0x25, 0x88, 0x04, 0x00]));

/** Mean RGB of an image, for "which frame / which colours came out" checks. */
export async function meanRgb(image: Buffer): Promise<number[]> {
  const { channels } = await sharp(image).stats();
  return channels.slice(0, 3).map((c) => Math.round(c.mean));
}
