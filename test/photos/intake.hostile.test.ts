import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "~/server/errors";
import { intakePhotos, PhotoRejectedError } from "~/server/photos/intake";
import { corruptJpeg, heicHeader, jpeg, jpegBomb, MiB, picture, png, pngBomb, svg } from "./fixtures";

/**
 * The hostile corpus: each file is sent as the second photo (field "photo1", "photo 2" to the
 * user) after a good one, and must be refused with a message naming it and the field set.
 */

let good: Buffer;
beforeAll(async () => {
  good = await jpeg(600, 600);
});

async function rejection(bytes: Uint8Array, filename?: string): Promise<PhotoRejectedError> {
  const error = await intakePhotos([
    { field: "photo0", filename: "good.jpg", bytes: good },
    { field: "photo1", filename, bytes },
  ]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PhotoRejectedError);
  expect(error).toBeInstanceOf(BadInputError); // so the tRPC layer maps it to BAD_REQUEST
  const rejected = error as PhotoRejectedError;
  expect(rejected.field).toBe("photo1");
  return rejected;
}

const notImage = (name: string) => `Photo 2 (${name}) is not a JPEG or PNG image`;
const damaged = (name: string) => `Photo 2 (${name}) is damaged or incomplete`;

describe("refused before decoding", () => {
  it("no photos at all", async () => {
    const error = await intakePhotos([]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoRejectedError);
    expect((error as PhotoRejectedError).message).toBe("Please upload at least one photo");
    expect((error as PhotoRejectedError).field).toBe("photos");
  });

  it("zero bytes", async () => {
    expect((await rejection(new Uint8Array(0), "empty.jpg")).message).toBe("Photo 2 (empty.jpg) is empty");
  });

  it("over 10 MB, with its size", async () => {
    const big = Buffer.concat([good, Buffer.alloc(Math.floor(11.2 * MiB) - good.length)]);
    expect((await rejection(big, "big.jpg")).message).toBe("Photo exceeds 10MB limit: photo 2 (big.jpg) is 11.2 MB");
  });

  it("one byte over 10 MB never reads as 10.0 MB", async () => {
    const big = Buffer.concat([good, Buffer.alloc(10 * MiB + 1 - good.length)]);
    expect((await rejection(big, "edge.jpg")).message).toBe("Photo exceeds 10MB limit: photo 2 (edge.jpg) is 10.1 MB");
  });

  it("names a photo without a file name by its number alone", async () => {
    expect((await rejection(Buffer.from("hello"))).message).toBe("Photo 2 is not a JPEG or PNG image");
  });

  const notJpegOrPng: Array<[string, string, () => Promise<Buffer> | Buffer]> = [
    ["text renamed .jpg", "notes.jpg", () => Buffer.from("This is not a photo, just some text.\n".repeat(20))],
    ["HTML renamed .png", "page.png", () => Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>")],
    ["SVG", "face.svg", () => svg()],
    ["SVG renamed .jpg with a script", "face.jpg", () => svg("<script>alert(1)</script>")],
    ["GIF", "anim.gif", () => picture(100, 100).gif().toBuffer()],
    ["GIF/JS polyglot", "gifar.jpg", () => Buffer.from("GIF89a/*\x00\x00*/=1;alert(1)//")],
    ["WebP", "photo.webp", () => picture(300, 300).webp().toBuffer()],
    ["WebP renamed .jpg", "photo.jpg", () => picture(300, 300).webp().toBuffer()],
    ["AVIF", "photo.avif", () => picture(128, 128).avif().toBuffer()],
    ["HEIC (iPhone)", "IMG_0001.HEIC", () => heicHeader()],
    ["TIFF", "scan.tif", () => picture(300, 300).tiff().toBuffer()],
    ["BMP", "old.bmp", () => Buffer.concat([Buffer.from("BM"), Buffer.alloc(200, 7)])],
    ["PDF", "cv.pdf", () => Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF")],
    ["ZIP", "photos.zip", () => Buffer.from("PK\u0003\u0004rest-of-archive")],
    ["half a JPEG signature", "short.jpg", () => Buffer.from([0xff, 0xd8])],
  ];
  it.each(notJpegOrPng)("%s", async (_what, name, make) => {
    expect((await rejection(await make(), name)).message).toBe(notImage(name));
  });
});

describe("refused by the decoder", () => {
  const broken: Array<[string, string, () => Promise<Buffer>]> = [
    ["truncated JPEG (60%)", "cut.jpg", async () => { const f = await jpeg(800, 600); return f.subarray(0, Math.floor(f.length * 0.6)); }],
    ["truncated JPEG (only the header)", "head.jpg", async () => (await jpeg(800, 600)).subarray(0, 700)],
    ["JPEG missing its last bytes", "tail.jpg", async () => { const f = await jpeg(800, 600); return f.subarray(0, f.length - 20); }],
    ["truncated PNG", "cut.png", async () => (await png(800, 600)).subarray(0, 5000)],
    ["corrupted JPEG data", "rot.jpg", corruptJpeg],
    ["JPEG signature followed by HTML", "poly.jpg", async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("<html><script>x</script>")])],
    ["PNG signature followed by SVG", "poly.png", async () => Buffer.concat([(await png(10, 10)).subarray(0, 8), svg()])],
    ["PNG with a broken chunk checksum", "crc.png", async () => {
      const f = Buffer.from(await png(200, 200));
      const at = f.indexOf("IDAT") + 10;
      return (f.writeUInt8(f.readUInt8(at) ^ 0xff, at), f);
    }],
  ];
  it.each(broken)("%s", async (_what, name, make) => {
    expect((await rejection(await make(), name)).message).toBe(damaged(name));
  });

  it("a PNG decompression bomb (20000×20000, tiny on disk)", async () => {
    const bomb = pngBomb(20000, 20000);
    expect(bomb.length).toBeLessThan(100_000);
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(20000); // the bomb is real
    const started = Date.now();
    expect((await rejection(bomb, "bomb.png")).message).toBe(
      "Photo 2 (bomb.png) has too many pixels (20000×20000, 400 MP); the limit is 50 MP",
    );
    expect(Date.now() - started).toBeLessThan(2000); // refused from the header, not by decoding it
  });

  it("a JPEG whose header claims 60000×60000", async () => {
    expect((await rejection(await jpegBomb(60000, 60000), "huge.jpg")).message).toBe(
      "Photo 2 (huge.jpg) has too many pixels (60000×60000, 3600 MP); the limit is 50 MP",
    );
  });

  it("just over the pixel limit (7072×7072 = 50.01 MP)", async () => {
    expect((await rejection(await jpegBomb(7072, 7072), "big.jpg")).message).toBe(
      "Photo 2 (big.jpg) has too many pixels (7072×7072, 50 MP); the limit is 50 MP",
    );
  });
});

describe("order of judgement", () => {
  it("stops at the first bad photo, naming it, whatever comes after", async () => {
    const error = await intakePhotos([
      { field: "photo0", filename: "a.jpg", bytes: good },
      { field: "photo1", filename: "b.jpg", bytes: good },
      { field: "photo2", filename: "c.gif", bytes: await picture(50, 50).gif().toBuffer() },
      { field: "photo3", bytes: new Uint8Array(0) },
    ]).then(
      () => expect.fail("should have been refused"),
      (e: unknown) => e as PhotoRejectedError,
    );
    expect([error.message, error.field]).toEqual(["Photo 3 (c.gif) is not a JPEG or PNG image", "photo2"]);
  });

  it("never judges a photo that is left out (the fifth may be anything)", async () => {
    const result = await intakePhotos([
      ...[0, 1, 2, 3].map((i) => ({ field: `photo${i}`, bytes: good })),
      { field: "photo4", filename: "junk.gif", bytes: Buffer.from("GIF89a") },
    ]);
    expect(result.photos).toHaveLength(4);
    expect(result.warnings).toEqual(["Only 4 photos are used: photo 5 (junk.gif) was left out"]);
  });
});
