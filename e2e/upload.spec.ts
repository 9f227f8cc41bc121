import sharp from "sharp";
import { createProject, signUp } from "./support/app";
import { baseUrl } from "./support/env";
import { cameraJpeg, heicPhoto } from "./support/photos";
import { StudioPage } from "./support/studio";
import { contentLength, recordUploads } from "./support/uploads";
import { jpegQuality } from "../src/server/photos/jpeg-quality";
import { JPEG_QUALITY_START, JPEG_QUALITY_STEP, TARGET_JPEG_BYTES } from "../src/server/photos/limits";
import { expect, test } from "./support/test";

/**
 * Uploading what is needed (src/components/studio/useDownscale.ts): a camera photo is shrunk in
 * the browser before it is sent; a file the browser can't decode goes as chosen and the server
 * decides. What was sent is read off the request (e2e/support/uploads.ts: the FormData the page
 * sends, and the size the request had on the wire).
 */

const MiB = 1024 * 1024;
const GENERATE = "/api/trpc/avatar.generateWithPhotoMaker";
const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MB`;
/** The rest of the request (prompt fields, tier, key, multipart framing) is far below this. */
const OTHER_FIELDS_MAX = 8 * 1024;

test("a 6000×4000 camera photo is sent as an upright ≤ 2048 px JPEG under 1 MB without its EXIF, and the page shows the saving", async ({ page }) => {
  test.setTimeout(120_000);
  const photo = await cameraJpeg("IMG_1234.JPG");
  const original = await sharp(photo.buffer).metadata();
  expect([original.width, original.height, original.orientation, photo.buffer.length > 8 * MiB]).toEqual([6000, 4000, 6, true]);

  await signUp(page, baseUrl, "upload");
  const uploads = await recordUploads(page);
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "Camera"));
  await studio.addPhotos(photo);
  await studio.describe({ name: "Camera roll", prompt: "studio portrait, soft light" });

  const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().includes(GENERATE));
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(GENERATE));
  await studio.submit();
  const files = await uploads.next();
  expect(files.map((f) => [f.field, f.filename, f.type])).toEqual([["photo0", "IMG_1234.JPG", "image/jpeg"]]);
  const upload = files[0]!.body;
  // On the wire: that JPEG and the small fields, never the 8.6 MB original.
  const wire = await contentLength(await sent);
  expect(wire).toBeGreaterThan(upload.length);
  expect(wire).toBeLessThan(upload.length + OTHER_FIELDS_MAX);
  const meta = await sharp(upload).metadata();
  // Upright (the EXIF orientation applied in the browser), 2048 px on the long side, no metadata left.
  expect([meta.format, meta.width, meta.height, meta.orientation, meta.exif]).toEqual(["jpeg", 1365, 2048, undefined, undefined]);
  // Under the 1.5 MB, and under the server's own ~1 MB target (the worker steps quality down to it).
  expect(upload.length).toBeLessThanOrEqual(TARGET_JPEG_BYTES);

  // The server accepted it (the face check passed on the shrunk photo) and recorded the photo it
  // stored (the face check's record is the stored input's size).
  const response = await answered;
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { result: { data: { json: { faces: Array<{ width: number; height: number }> } } } };
  expect(body.result.data.json.faces.map((f) => [f.width, f.height])).toEqual([[1365, 2048]]);
  await expect(page.getByRole("status").filter({ hasText: '"Camera roll" started' })).toBeVisible();
  await expect(studio.generation("Camera roll")).toBeVisible();

  await expect(page.getByTestId("upload-saving")).toHaveText(`1 photo · ${mb(photo.buffer.length)} → ${mb(upload.length)}`);
});

test("a detailed photo that is over ~1 MB at quality 0.9 is sent a quality step lower, under 1 MB, and accepted", async ({ page }) => {
  test.setTimeout(120_000);
  // Sensor noise JPEG can't squeeze: at 2048 px and quality 0.9 this is about 1.2 MB.
  const photo = await cameraJpeg("IMG_2000.JPG", { width: 2400, height: 1800, noise: 60, quality: 95, seed: 2 });
  await signUp(page, baseUrl, "detailed");
  const uploads = await recordUploads(page);
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "Detailed"));
  await studio.addPhotos(photo);
  await studio.describe({ name: "Detailed", prompt: "studio portrait, soft light" });
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(GENERATE));
  await studio.submit();
  const upload = (await uploads.next())[0]!.body;
  expect((await sharp(upload).metadata()).height).toBe(2048);
  expect(upload.length).toBeLessThanOrEqual(TARGET_JPEG_BYTES);
  // The quality the browser settled on, read from the JPEG's own tables: one step or more below 0.9.
  expect(jpegQuality(upload)).toBeLessThanOrEqual(JPEG_QUALITY_START - JPEG_QUALITY_STEP);
  expect((await answered).status()).toBe(200);
  await expect(studio.generation("Detailed")).toBeVisible();
});

test("a HEIC photo goes to the server as chosen and is refused there, with the server's message on the photo", async ({ page }) => {
  await signUp(page, baseUrl, "heic");
  const uploads = await recordUploads(page);
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "iPhone"));
  const heic = heicPhoto("IMG_0002.HEIC");
  await studio.addPhotos(heic);
  await expect(studio.previews()).toHaveCount(1);
  await studio.describe({ name: "From my iPhone", prompt: "beach at sunset" });
  // Nothing was made smaller: no arrow.
  await expect(page.getByTestId("upload-saving")).toHaveText(`1 photo · ${mb(heic.buffer.length)}`);

  const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().includes(GENERATE));
  await studio.submit();
  const files = await uploads.next();
  expect(files.map((f) => [f.field, f.filename, f.type])).toEqual([["photo0", "IMG_0002.HEIC", "image/heic"]]);
  expect(files[0]!.body.equals(heic.buffer)).toBe(true);
  const wire = await contentLength(await sent);
  expect(wire).toBeGreaterThan(heic.buffer.length);
  expect(wire).toBeLessThan(heic.buffer.length + OTHER_FIELDS_MAX);

  await expect(studio.previews().nth(0).getByRole("alert")).toHaveText("Photo 1 (IMG_0002.HEIC) is not a JPEG or PNG image");
  await expect(studio.balance()).toHaveText("100 credits");
  await expect(page.getByTestId("generation")).toHaveCount(0);
});
