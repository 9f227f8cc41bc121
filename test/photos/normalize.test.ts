import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { displayName } from "~/server/photos/intake";
import { JPEG_QUALITY_MIN, JPEG_QUALITY_START, MAX_FILENAME_CHARS, TARGET_JPEG_BYTES } from "~/server/photos/limits";
import { checkHeader, DecodeFailed, decodeToSrgb, encodeJpeg, lightness, type RawImage } from "~/server/photos/normalize";
import { sniffFormat } from "~/server/photos/sniff";
import { jpeg, jpegBomb, picture, png, pngBomb } from "./fixtures";

/** The parts of the intake on their own: sniffing, names, the pixel-limit backstop, the encoder. */

const raw = async (width: number, height: number, noise: number): Promise<RawImage> => ({
  data: await picture(width, height, { noise }).raw().toBuffer(),
  width,
  height,
});

describe("sniffFormat", () => {
  it.each([
    ["JPEG", [0xff, 0xd8, 0xff, 0xe0], "jpeg"],
    ["PNG", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0], "png"],
    ["PNG signature cut short", [0x89, 0x50, 0x4e, 0x47], undefined],
    ["GIF", [...Buffer.from("GIF89a")], undefined],
    ["RIFF/WebP", [...Buffer.from("RIFF\0\0\0\0WEBP")], undefined],
    ["nothing", [], undefined],
  ])("%s", (_what, bytes, expected) => {
    expect(sniffFormat(Uint8Array.from(bytes))).toBe(expected);
  });
});

describe("displayName", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["me.jpg", "me.jpg"],
    ["/home/jane/Pictures/me.jpg", "me.jpg"],
    ["C:\\fakepath\\me.png", "me.png"],
    ["a\u0000b\u001b[31mc.jpg", "ab[31mc.jpg"],
    ["  many   spaces .jpg ", "many spaces .jpg"],
    ["\u202E\u200B", undefined],
  ])("%j → %j", (input, expected) => {
    expect(displayName(input)).toBe(expected);
  });

  it("shortens very long names", () => {
    const name = displayName(`${"é".repeat(500)}.jpg`)!;
    expect([...name]).toHaveLength(MAX_FILENAME_CHARS);
    expect(name.endsWith("…")).toBe(true);
  });
});

describe("checkHeader and decodeToSrgb", () => {
  it("reads the size from the header and refuses a format the magic bytes did not announce", async () => {
    expect(await checkHeader(await png(30, 20), "png")).toEqual({ width: 30, height: 20 });
    const mismatch = await checkHeader(await png(30, 20), "jpeg").catch((e: unknown) => e);
    expect((mismatch as DecodeFailed).failure).toEqual({ kind: "wrong-format" });
  });

  it("refuses a bomb from its header alone", async () => {
    const error = await checkHeader(pngBomb(20000, 20000), "png").catch((e: unknown) => e);
    expect((error as DecodeFailed).failure).toEqual({ kind: "too-many-pixels", width: 20000, height: 20000 });
  });

  it("sharp's own pixel limit is a backstop if the header check is ever skipped", async () => {
    const error = await decodeToSrgb(await jpegBomb(9000, 9000), { width: 9000, height: 9000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeFailed);
    expect((error as DecodeFailed).failure).toEqual({ kind: "too-many-pixels", width: 9000, height: 9000 });
  });

  it("decodes to 3-channel 8-bit raw pixels", async () => {
    const img = await decodeToSrgb(await jpeg(300, 200), { width: 300, height: 200 });
    expect([img.width, img.height, img.data.length]).toEqual([300, 200, 300 * 200 * 3]);
  });

  it("measures lightness: black, white, and a picture with spread", async () => {
    const solid = async (v: number) => ({
      data: await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: v, g: v, b: v } } }).raw().toBuffer(),
      width: 64,
      height: 64,
    });
    expect(await lightness(await solid(0))).toEqual({ mean: 0, stdev: 0 });
    expect((await lightness(await solid(255))).mean).toBe(255);
    expect((await lightness(await raw(256, 256, 8))).stdev).toBeGreaterThan(20);
  });

  it("measures a large photo on a sample that agrees with the full-size measure", async () => {
    const img = await raw(2048, 1365, 30); // noisy: an averaging sample would lower the spread
    const grey = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).greyscale().raw().toBuffer();
    const full = (await sharp(grey, { raw: { width: img.width, height: img.height, channels: 1 } }).stats()).channels[0]!;
    const sampled = await lightness(img);
    expect(Math.abs(sampled.mean - full.mean)).toBeLessThan(1);
    expect(Math.abs(sampled.stdev - full.stdev)).toBeLessThan(1);
  });
});

describe("encodeJpeg", () => {
  it("keeps the start quality when the photo is already small enough", async () => {
    const out = await encodeJpeg(await raw(800, 600, 4));
    expect(out.quality).toBe(JPEG_QUALITY_START);
    expect([out.width, out.height]).toEqual([800, 600]);
    expect(out.jpeg.length).toBeLessThanOrEqual(TARGET_JPEG_BYTES);
  });

  it("lowers quality step by step until the JPEG fits", async () => {
    const img = await raw(1024, 768, 24);
    const first = await encodeJpeg(img, Number.MAX_SAFE_INTEGER);
    const target = Math.floor(first.jpeg.length * 0.7);
    const out = await encodeJpeg(img, target);
    expect(out.quality).toBeLessThan(JPEG_QUALITY_START);
    expect(out.quality).toBeGreaterThanOrEqual(JPEG_QUALITY_MIN);
    expect([out.width, out.height]).toEqual([1024, 768]);
    expect(out.jpeg.length).toBeLessThanOrEqual(target);
  });

  it("shrinks the picture once quality reaches its floor", async () => {
    const img = await raw(1024, 768, 60);
    const out = await encodeJpeg(img, 40_000);
    expect(out.quality).toBe(JPEG_QUALITY_MIN);
    expect(out.width).toBeLessThan(1024);
    expect(out.width / out.height).toBeCloseTo(1024 / 768, 1);
    expect(out.jpeg.length).toBeLessThanOrEqual(40_000);
  });

  it("a 2048 px photo full of noise still ends under ~1 MB", async () => {
    const out = await encodeJpeg(await raw(2048, 1536, 40));
    expect(out.quality).toBeLessThan(JPEG_QUALITY_START); // the loop really ran
    expect(out.jpeg.length).toBeLessThanOrEqual(TARGET_JPEG_BYTES);
  });
});
