import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import sharp from "sharp";
import { createProject, keepScreenshot, signUp, trpcQuery, trpcQueryStatus } from "./support/app";
import { baseUrl, E2E } from "./support/env";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/** The gallery, on the offline engine: full view, download, generate again, delete, privacy. */

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  } catch {
    return [];
  }
}

test("full view facts, download, generate again with the same seed, delete; photos gone; other users locked out", async ({ page, browser }, testInfo) => {
  const user = await signUp(page, baseUrl, "gallery");
  const projectId = await createProject(page, baseUrl, "Gallery");
  const studio = new StudioPage(page);
  await studio.open(projectId);
  await studio.addPhotos(await jpeg("me.jpg", 7));
  await studio.describe({ name: "Explorer", prompt: "hiking in the alps at sunrise", seed: 4242 });
  await page.getByLabel("Persona name").fill("Mei");
  await page.getByLabel("Ethnicity").fill("East Asian");
  await page.getByRole("radio", { name: /^Cinematic/ }).check();
  await studio.submit();
  await studio.waitDone("Explorer");

  // The user's photos are deleted once the run ends; the avatar stays.
  const storage = path.resolve(E2E.storageDir);
  expect(filesUnder(path.join(storage, "inputs", user.id))).toEqual([]);
  expect(filesUnder(path.join(storage, "work", user.id))).toEqual([]);
  expect(filesUnder(path.join(storage, "avatars", user.id)).sort()).toEqual(["full.jpg", "thumb.webp"]);

  await expect(studio.tiles()).toHaveCount(1);
  await expect(studio.tiles().first().getByRole("img")).toHaveAttribute("loading", "lazy");
  await studio.tiles().first().getByRole("button", { name: "Open Explorer" }).click();
  const dialog = page.getByRole("dialog", { name: "Explorer" });
  const facts = dialog.getByTestId("avatar-facts");
  await expect(facts).toContainText("hiking in the alps at sunrise");
  await expect(facts).toContainText("Mei");
  await expect(facts).toContainText("East Asian");
  await expect(facts).toContainText("Cinematic");
  await expect(facts).toContainText("Basic · 512×512");
  await expect(dialog.getByTestId("avatar-seed")).toHaveText("4242");
  await expect(facts).toContainText("Offline preview");
  await expect(facts).toContainText(/Time taken\s*[\d.]+ (ms|s)/);
  await expect(dialog.getByText("Offline preview — not made by PhotoMaker")).toBeVisible();

  // The likeness score: measured on the result (the offline preview is made from the face crops),
  // the same number in the full view and on the tile as the avatar carries; not a FLUX stand-in.
  const {
    items: [stored],
  } = await trpcQuery<{ items: Array<{ likeness: number | null; likenessStatus: string; identityLabel: string | null }> }>(
    page.request,
    baseUrl,
    "avatar.list",
    { projectId },
  );
  expect(stored).toMatchObject({ likenessStatus: "measured", identityLabel: null });
  expect(stored!.likeness).toEqual(expect.any(Number));
  expect(stored!.likeness).toBeGreaterThanOrEqual(65); // the same face as the photo: well above "different person"
  expect(stored!.likeness).toBeLessThanOrEqual(100);
  await expect(facts).toContainText(`Likeness${stored!.likeness}/100`);
  await expect(dialog.getByTestId("avatar-likeness")).toHaveText(`${stored!.likeness}/100`);
  await expect(dialog.getByTestId("avatar-identity")).toHaveCount(0);
  await expect(studio.tiles().first().getByTestId("tile-likeness")).toHaveText(`Likeness ${stored!.likeness}`);
  await expect(studio.tiles().first().getByTestId("tile-identity")).toHaveCount(0);
  await keepScreenshot(page, testInfo, "gallery-detail");

  const imageUrl = await dialog.getByRole("link", { name: "Download" }).getAttribute("href");
  expect(imageUrl).toMatch(/^\/api\/images\/[\w-]+\?size=full$/);
  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("link", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^avatar-[\w-]+\.jpg$/);
  const meta = await sharp(await download.path()).metadata();
  expect(meta).toMatchObject({ format: "jpeg", width: 512, height: 512 });

  // Generate again: same settings and seed, with the photos the page still holds.
  await dialog.getByRole("button", { name: "Generate again (18 credits)" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("generation").filter({ hasText: "Explorer" })).toHaveCount(2);
  await expect(page.getByTestId("generation").filter({ hasText: "Explorer" }).nth(1)).toHaveAttribute("data-stage", "succeeded");
  await studio.waitDone("Explorer");
  await expect(studio.tiles()).toHaveCount(2);
  await expect(studio.balance()).toHaveText("64 credits");
  await studio.tiles().first().getByRole("button", { name: "Open Explorer" }).click();
  await expect(dialog.getByTestId("avatar-seed")).toHaveText("4242");
  await expect(dialog.getByTestId("avatar-facts")).toContainText("Cinematic");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await keepScreenshot(page, testInfo, "gallery");

  // Another user: the image URL and the project page answer as if they didn't exist.
  const intruderContext = await browser.newContext();
  const intruder = await intruderContext.newPage();
  await signUp(intruder, baseUrl, "intruder");
  expect((await intruder.request.get(imageUrl!)).status()).toBe(404);
  expect((await intruder.request.get(imageUrl!.replace("size=full", "size=thumb"))).status()).toBe(404);
  const visit = await intruder.goto(`/projects/${projectId}`);
  expect(visit?.status()).toBe(404);
  await expect(intruder.getByRole("heading", { name: "Project not found" })).toBeVisible();
  expect(await trpcQueryStatus(intruder.request, baseUrl, "avatar.list", { projectId })).toBe(404);
  await intruderContext.close();
  // Signed out, too.
  expect((await (await browser.newContext()).request.get(`${baseUrl}${imageUrl}`)).status()).toBe(404);

  // Delete asks first, then removes the avatar and its image.
  const firstUrl = imageUrl!;
  await studio.tiles().last().getByRole("button", { name: "Open Explorer" }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await dialog.getByRole("button", { name: "Yes, delete" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(studio.tiles()).toHaveCount(1);
  expect((await page.request.get(firstUrl)).status()).toBe(404);
});

test("generate again asks for the photos when the page no longer holds them", async ({ page }) => {
  await signUp(page, baseUrl, "again");
  const projectId = await createProject(page, baseUrl, "Again");
  const studio = new StudioPage(page);
  await studio.open(projectId);
  await studio.addPhotos(await jpeg("me.jpg", 9));
  await studio.describe({ name: "Reloaded", prompt: "in a library" });
  await studio.submit();
  await studio.waitDone("Reloaded");

  await page.reload(); // the photos lived in the page's memory only
  await studio.tiles().first().getByRole("button", { name: "Open Reloaded" }).click();
  const dialog = page.getByRole("dialog", { name: "Reloaded" });
  await dialog.getByRole("button", { name: /Generate again/ }).click();
  await expect(dialog.getByText("Add your photos in the picker first")).toBeVisible();
  await expect(studio.balance()).toHaveText("82 credits");
});
