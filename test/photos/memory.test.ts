import sharp from "sharp";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { intakePhotos } from "~/server/photos/intake";
import { MAX_INPUT_PIXELS, MAX_PHOTO_BYTES, MAX_PHOTOS } from "~/server/photos/limits";
import { bigPicture } from "./fixtures";

/**
 * Bounded memory: four photos at the limits (≈48 MP each, JPEGs near 10 MB, one needing a 90°
 * turn, and PNGs which have no shrink-on-load) must go through with a modest peak RSS, because
 * they are processed one at a time and each is cut to 2048 px as it is decoded.
 * (A file of its own: vitest runs each file in a separate process, so RSS is this test's alone.)
 */

// The fixtures' big raw buffers must be gone before the baseline, or they would hide growth.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

// Measured ≈ 65 MB; one full-size 48 MP decode alone is 144 MB, all four at once ≈ 1.6 GB.
const PEAK_RSS_GROWTH_LIMIT = 300 * 1024 * 1024;

it("four photos at the limits keep peak RSS growth bounded", async () => {
  const [w, h] = [8000, 6000];
  expect(w * h).toBeLessThanOrEqual(MAX_INPUT_PIXELS);
  const jpeg = await (await bigPicture(w, h, { noise: 12 })).jpeg({ quality: 85 }).toBuffer();
  const turned = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg({ quality: 85 }).toBuffer();
  const png = await (await bigPicture(w, h, { noise: 0 })).png().toBuffer();
  for (const f of [jpeg, turned, png]) expect(f.length).toBeLessThanOrEqual(MAX_PHOTO_BYTES);
  expect(jpeg.length).toBeGreaterThan(8 * 1024 * 1024); // really near the byte limit

  const files = [jpeg, turned, png, png].map((bytes, i) => ({ field: `photo${i}`, bytes }));
  expect(files).toHaveLength(MAX_PHOTOS);
  gc();
  await new Promise((r) => setTimeout(r, 50));
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const started = Date.now();
  const result = await intakePhotos(files).finally(() => clearInterval(sampler));
  peak = Math.max(peak, process.memoryUsage.rss());
  const growth = peak - baseline;
  console.info(`intake of 4 × 48 MP: ${Date.now() - started} ms, peak RSS growth ${(growth / 2 ** 20).toFixed(0)} MB over ${(baseline / 2 ** 20).toFixed(0)} MB`);
  expect(growth).toBeLessThan(PEAK_RSS_GROWTH_LIMIT);
  expect(result.photos.map((p) => [p.width, p.height])).toEqual([[2048, 1536], [1536, 2048], [2048, 1536], [2048, 1536]]);
}, 120_000);
