import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { checkHeader, firstQuality, normalizePhoto } from "~/server/photos/normalize";
import { jpegQuality } from "~/server/photos/jpeg-quality";
import { JPEG_QUALITY_MIN, JPEG_QUALITY_START } from "~/server/photos/limits";
import { picture, png } from "./fixtures";

/** The intake's first quality comes from the photo's own tables (src/server/photos/jpeg-quality.ts). */

const jpegAt = (quality: number, opts: { width?: number; height?: number; noise?: number } = {}) =>
  picture(opts.width ?? 320, opts.height ?? 240, { noise: opts.noise ?? 8 })
    .jpeg({ quality })
    .toBuffer();

describe("jpegQuality", () => {
  it.each([30, 50, 60, 75, 80, 85, 90, 95])("reads back quality %i from a libjpeg JPEG", async (quality) => {
    const estimate = jpegQuality(await jpegAt(quality));
    expect(estimate).toBeDefined();
    expect(Math.abs(estimate! - quality)).toBeLessThanOrEqual(1);
  });

  it("reads tables written after other segments (EXIF first, as cameras do)", async () => {
    const withExif = await picture(64, 64).jpeg({ quality: 70 }).withExif({ IFD0: { Make: "TestPhone" } }).toBuffer();
    expect(withExif.indexOf(Buffer.from("Exif"))).toBeGreaterThan(0);
    expect(Math.abs(jpegQuality(withExif)! - 70)).toBeLessThanOrEqual(1);
  });

  it("says nothing for what is not a JPEG with tables before its scan", async () => {
    expect(jpegQuality(await png(20, 20))).toBeUndefined();
    expect(jpegQuality(new Uint8Array())).toBeUndefined();
    expect(jpegQuality(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeUndefined(); // scan before any table
    const real = await jpegAt(80);
    const dqt = real.indexOf(Buffer.from([0xff, 0xdb]));
    expect(jpegQuality(real.subarray(0, dqt + 20))).toBeUndefined(); // table cut short
  });

  it("never throws on random bytes after a JPEG signature", () => {
    let state = 7;
    for (let n = 0; n < 500; n++) {
      const bytes = new Uint8Array(64 + (n % 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
      bytes.set([0xff, 0xd8, 0xff, n % 2 === 0 ? 0xdb : 0xe0]);
      const q = jpegQuality(bytes);
      if (q !== undefined) expect(q).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("the intake's first quality", () => {
  it("is the start quality for a PNG or a better JPEG, the sent quality for a worse one, never under the floor", async () => {
    expect(firstQuality(await png(20, 20))).toBe(JPEG_QUALITY_START);
    expect(firstQuality(await jpegAt(95))).toBe(JPEG_QUALITY_START);
    expect(Math.abs(firstQuality(await jpegAt(82)) - 82)).toBeLessThanOrEqual(1);
    expect(firstQuality(await jpegAt(30))).toBe(JPEG_QUALITY_MIN);
  });

  it("re-encodes a photo sent at a lower quality at that quality: no bigger than sent, no second pass", async () => {
    const pixels = picture(1600, 1200, { noise: 12 });
    const sent = await pixels.clone().jpeg({ quality: 72 }).toBuffer();
    const atStart = await pixels.clone().jpeg({ quality: JPEG_QUALITY_START }).toBuffer();
    expect(atStart.length).toBeGreaterThan(sent.length * 1.3); // what re-encoding at the start quality would cost

    const out = await normalizePhoto(sent, await checkHeader(sent, "jpeg"));
    expect(Math.abs(out.quality - 72)).toBeLessThanOrEqual(1);
    expect(out.jpeg.length).toBeLessThan(sent.length * 1.1);
    expect((await sharp(out.jpeg).metadata()).width).toBe(1600);
  });
});
