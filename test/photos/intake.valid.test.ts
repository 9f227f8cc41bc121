import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { type IncomingPhoto, intakePhotos } from "~/server/photos/intake";
import { MAX_OUTPUT_SIDE, TARGET_JPEG_BYTES } from "~/server/photos/limits";
import {
  apngRedThenBlue,
  exifHasGps,
  jpeg,
  jpegWithExtraneousBytes,
  meanRgb,
  MiB,
  picture,
  png,
} from "./fixtures";

/** Accepted photos: what comes out is an upright, metadata-free 8-bit sRGB JPEG of the right size. */

const one = async (bytes: Buffer, filename = "me.jpg") => {
  const result = await intakePhotos([{ field: "photo0", filename, bytes }]);
  expect(result.photos).toHaveLength(1);
  return result.photos[0]!;
};

/** What the output really is, read back by the decoder. */
async function inspectOutput(out: Buffer) {
  const meta = await sharp(out).metadata();
  expect(meta.format).toBe("jpeg");
  expect(meta.space).toBe("srgb");
  expect(meta.channels).toBe(3);
  expect(meta.depth).toBe("uchar");
  return meta;
}

describe("valid photos", () => {
  it("accepts a JPEG and a PNG, keeps their size and returns fresh JPEGs", async () => {
    const result = await intakePhotos([
      { field: "photo0", filename: "a.jpg", bytes: await jpeg(800, 600) },
      { field: "photo1", filename: "b.png", bytes: await png(640, 960) },
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.photos.map((p) => [p.field, p.number, p.filename, p.width, p.height, p.warnings])).toEqual([
      ["photo0", 1, "a.jpg", 800, 600, []],
      ["photo1", 2, "b.png", 640, 960, []],
    ]);
    for (const p of result.photos) {
      const meta = await inspectOutput(p.jpeg);
      expect([meta.width, meta.height]).toEqual([p.width, p.height]);
    }
  });

  it("applies EXIF orientation 6 and strips EXIF, GPS, XMP and ICC", async () => {
    const input = await picture(800, 600)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Copyright: "Jane Doe", Artist: "Jane" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
      .withIccProfile("p3")
      .toBuffer();
    // The fixture really carries everything that must disappear.
    const before = await sharp(input).metadata();
    expect(before.orientation).toBe(6);
    expect(exifHasGps(before.exif!)).toBe(true);
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();

    const photo = await one(input);
    expect([photo.width, photo.height]).toEqual([600, 800]); // rotated upright
    const after = await inspectOutput(photo.jpeg);
    expect([after.width, after.height]).toEqual([600, 800]);
    expect(after.orientation).toBeUndefined();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(photo.jpeg.includes(Buffer.from("Exif\0\0"))).toBe(false);
    expect(photo.jpeg.includes(Buffer.from("Jane"))).toBe(false);
    expect(photo.jpeg.includes(Buffer.from([0xff, 0xe1]))).toBe(false); // no APP1 segment at all
  });

  it("resizes 6000×4000 to 2048 on the long side, under the size target", async () => {
    const input = await jpeg(6000, 4000);
    expect(input.length).toBeLessThan(10 * MiB);
    const photo = await one(input);
    expect([photo.width, photo.height]).toEqual([MAX_OUTPUT_SIDE, 1365]);
    expect(photo.jpeg.length).toBeLessThanOrEqual(TARGET_JPEG_BYTES);
    await inspectOutput(photo.jpeg);
  });

  it("converts a CMYK JPEG to sRGB with the colours kept", async () => {
    const rgb = picture(400, 300, { level: 140 });
    const input = await rgb.clone().toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(input).metadata()).space).toBe("cmyk");
    const photo = await one(input, "print.jpg");
    await inspectOutput(photo.jpeg);
    const [expected, got] = [await meanRgb(await rgb.clone().png().toBuffer()), await meanRgb(photo.jpeg)];
    got.forEach((c, i) => expect(Math.abs(c - expected[i]!)).toBeLessThan(25)); // not inverted or garbled
  });

  it("converts 16-bit, greyscale and transparent PNGs to 8-bit RGB", async () => {
    const sixteen = await picture(400, 300).toColourspace("rgb16").png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe("ushort");
    const grey16 = await picture(400, 300).toColourspace("grey16").png().toBuffer();
    const transparent = await sharp({ create: { width: 600, height: 600, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: await jpeg(300, 300), top: 150, left: 150 }])
      .png()
      .toBuffer();
    for (const input of [sixteen, grey16, transparent]) await inspectOutput((await one(input, "x.png")).jpeg);
    // Transparency becomes white, not black: the corner of the output is white.
    const corner = await sharp((await one(transparent)).jpeg).extract({ left: 0, top: 0, width: 20, height: 20 }).toBuffer();
    expect(await meanRgb(corner)).toEqual([255, 255, 255]);
  });

  it("takes the first frame of an animated PNG", async () => {
    const photo = await one(await apngRedThenBlue(), "anim.png");
    const [r, g, b] = await meanRgb(photo.jpeg);
    expect(r).toBeGreaterThan(200);
    expect(g! + b!).toBeLessThan(60);
  });

  it("accepts a JPEG with stray bytes between markers (a benign libjpeg warning)", async () => {
    const photo = await one(await jpegWithExtraneousBytes());
    expect([photo.width, photo.height]).toEqual([320, 240]);
  });

  it("accepts exactly 10 MB and drops data appended after the image (polyglot payloads)", async () => {
    const image = await jpeg(800, 600);
    const payload = Buffer.from("PK\u0003\u0004<script>alert(1)</script>");
    const padded = Buffer.concat([image, payload, Buffer.alloc(10 * MiB - image.length - payload.length)]);
    expect(padded.length).toBe(10 * MiB);
    const photo = await one(padded);
    expect(photo.jpeg.length).toBeLessThan(TARGET_JPEG_BYTES);
    expect(photo.jpeg.includes(Buffer.from("<script>"))).toBe(false);
    expect(photo.jpeg.includes(Buffer.from("PK\u0003\u0004"))).toBe(false);
  });
});

describe("weak photos get warnings, not errors", () => {
  it("warns about a small photo, naming it", async () => {
    const photo = await one(await jpeg(400, 300), "tiny.jpg");
    expect([photo.width, photo.height]).toEqual([400, 300]); // never enlarged
    expect(photo.warnings).toEqual([
      "Photo 1 (tiny.jpg) is small (400×300 px); photos at least 512 px on the shorter side work better",
    ]);
  });

  it("warns about a very dark photo, naming it", async () => {
    const result = await intakePhotos([
      { field: "photo0", bytes: await jpeg(800, 600) },
      { field: "photo1", filename: "night.jpg", bytes: await jpeg(800, 600, { level: 12, spread: 40, noise: 6 }) },
    ]);
    expect(result.photos[0]!.warnings).toEqual([]);
    expect(result.photos[1]!.warnings).toEqual(["Photo 2 (night.jpg) is very dark; a brighter photo works better"]);
  });

  it("warns about a very flat photo, naming it", async () => {
    const photo = await one(await jpeg(800, 600, { level: 150, spread: 10, noise: 4 }), "fog.jpg");
    expect(photo.warnings).toEqual(["Photo 1 (fog.jpg) has very low contrast; a clearer photo works better"]);
  });
});

describe("how many photos", () => {
  const photos = async (n: number): Promise<IncomingPhoto[]> => {
    const bytes = await jpeg(600, 600);
    return Array.from({ length: n }, (_, i) => ({ field: `photo${i}`, filename: `p${i + 1}.jpg`, bytes }));
  };

  it("uses the first 4 of 5 and names the one left out", async () => {
    const result = await intakePhotos(await photos(5));
    expect(result.photos.map((p) => p.field)).toEqual(["photo0", "photo1", "photo2", "photo3"]);
    expect(result.warnings).toEqual(["Only 4 photos are used: photo 5 (p5.jpg) was left out"]);
  });

  it("names several left out, in field order (photo10 after photo9)", async () => {
    const sent = (await photos(11)).reverse(); // arrival order must not matter
    const result = await intakePhotos(sent);
    expect(result.photos.map((p) => [p.field, p.number])).toEqual([["photo0", 1], ["photo1", 2], ["photo2", 3], ["photo3", 4]]);
    expect(result.warnings).toEqual([
      "Only 4 photos are used: photo 5 (p5.jpg), photo 6 (p6.jpg), photo 7 (p7.jpg), photo 8 (p8.jpg), photo 9 (p9.jpg) and 2 more were left out",
    ]);
  });

  it("shows only the base name of a file, without control or bidi characters", async () => {
    const [photo] = await photos(1);
    const result = await intakePhotos([{ ...photo!, filename: "C:\\fakepath\\evil\u202Egpj.exe\n.jpg" }]);
    expect(result.photos[0]!.filename).toBe("evilgpj.exe.jpg");
  });
});
