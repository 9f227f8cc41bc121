import { expect, test } from "./support/test";
import { createProject, expectNoHorizontalScroll, keepScreenshot, signUp, trpcQuery } from "./support/app";
import { baseUrl } from "./support/env";
import { fakeJpeg, hugeJpeg, jpeg, noFace, otherPersonJpeg, png, textFile, twoPeople } from "./support/photos";
import { StudioPage } from "./support/studio";

/** The studio's photo picker and the first generation, on the offline engine. */

test("the picker takes 1–4 JPEG/PNG photos by browsing or dropping, refuses a 5th, wrong types and sizes", async ({ page }) => {
  await signUp(page, baseUrl, "picker");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "Picker"));
  await expect(page.getByText("2–3 photos from varied angles")).toBeVisible();

  await studio.addPhotos(await jpeg("one.jpg", 1));
  await expect(studio.previews()).toHaveCount(1);
  await studio.addPhotos(await png("two.png", 2), await jpeg("three.jpg", 3));
  await expect(studio.previews()).toHaveCount(3);

  // Two more when one slot is left: the 4th is taken, the 5th is not, with a message.
  await studio.addPhotos(await jpeg("four.jpg", 4), await jpeg("five.jpg", 5));
  await expect(studio.previews()).toHaveCount(4);
  await expect(page.getByTestId("photo-count")).toHaveText("4 of 4");
  await expect(page.getByRole("alert").filter({ hasText: 'You can use up to 4 photos: "five.jpg" was not added' })).toBeVisible();
  await expect(studio.picker).toBeDisabled();

  await page.getByRole("button", { name: "Remove photo 2 (two.png)" }).click();
  await expect(studio.previews()).toHaveCount(3);
  await expect(studio.previews().nth(1)).toContainText("three.jpg");

  // Drag and drop a file onto the drop zone.
  const drop = await jpeg("dropped.jpg", 6);
  const transfer = await page.evaluateHandle(({ bytes, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name, { type: "image/jpeg" }));
    return dt;
  }, { bytes: [...drop.buffer], name: drop.name });
  await page.getByTestId("photo-dropzone").dispatchEvent("drop", { dataTransfer: transfer });
  await expect(studio.previews()).toHaveCount(4);
  await expect(studio.previews().nth(3)).toContainText("dropped.jpg");

  // Checked in the browser, before any upload.
  await page.getByRole("button", { name: /Remove photo 1/ }).click();
  await studio.addPhotos(textFile("notes.txt"));
  await expect(page.getByRole("alert").filter({ hasText: '"notes.txt" is not a JPEG or PNG image' })).toBeVisible();
  // The 10 MB limit is on what is sent (a JPEG this browser can shrink may be chosen up to 40 MB,
  // test/studio/downscale.test.ts): 11 MB it can't decode is taken, then named on its photo when
  // it would be sent as it is.
  await studio.addPhotos(hugeJpeg("big.jpg", 11));
  await expect(studio.previews()).toHaveCount(4);
  await studio.describe({ name: "Too big", prompt: "portrait" });
  await studio.submit();
  await expect(studio.previews().nth(3)).toContainText(
    "Photo 4 (big.jpg) is 11.0 MB and this browser could not make it smaller; each photo must be under 10MB",
  );
  await expect(page.getByText(/credits charged/)).toHaveCount(0);
});

test("no photo and a fake JPEG are refused on the right photo, nothing is charged; then one photo makes an avatar live", async ({ page }, testInfo) => {
  await signUp(page, baseUrl, "first");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "First avatar"));
  await expect(studio.balance()).toHaveText("100 credits");

  // The free plan: Basic only; the other tiers are shown, and say why they can't be chosen.
  await expect(page.getByRole("radio", { name: /^Pro/ })).toBeDisabled();
  await expect(page.getByRole("radio", { name: /^Enterprise/ })).toBeDisabled();
  await expect(page.getByText("35 credits · 1536×1536 · not in the Free plan")).toBeVisible();
  await expect(page.getByTestId("cost")).toHaveText("18 credits");
  await expect(page.getByTestId("balance-after")).toHaveText("82 credits");

  await studio.describe({ name: "Headshot", prompt: "wearing a navy suit, office background" });
  await studio.submit();
  await expect(page.getByRole("alert").filter({ hasText: "Please upload at least one photo" })).toBeVisible();

  // The browser can't tell this isn't a JPEG; the server can, and names photo 2.
  await studio.addPhotos(await jpeg("me.jpg", 1), fakeJpeg("renamed.jpg"));
  await studio.submit();
  const second = studio.previews().nth(1);
  await expect(second.getByRole("alert")).toHaveText("Photo 2 (renamed.jpg) is not a JPEG or PNG image");
  await expect(studio.previews().nth(0).getByRole("alert")).toHaveCount(0);
  await expect(studio.balance()).toHaveText("100 credits");
  await expect(page.getByTestId("generation")).toHaveCount(0);

  // Remove it and submit one photo: progress while uploading, then the live stages.
  await page.getByRole("button", { name: "Remove photo 2 (renamed.jpg)" }).click();
  // A slow uplink (the DevTools protocol's throttling), long enough to see the upload indicator.
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
  await studio.submit();
  await expect(page.getByRole("progressbar")).toBeVisible();
  await devtools.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.getByRole("status").filter({ hasText: '"Headshot" started: 18 credits charged' })).toBeVisible();
  await expect(studio.balance()).toHaveText("82 credits");
  await studio.waitDone("Headshot");
  await expect(studio.generation("Headshot").getByTestId("generation-detail")).toContainText("Made by Offline preview");
  await expect(page.getByTestId("generation-announcer")).toContainText("Headshot: Done.");

  // In the gallery, labelled as an offline preview, with the project's cover on the list.
  await expect(studio.tiles()).toHaveCount(1);
  await expect(studio.tiles().first()).toContainText("Offline preview");
  await keepScreenshot(page, testInfo, "studio");

  // Phone width: nothing spills sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page);
  await keepScreenshot(page, testInfo, "studio-phone");
  await page.goto("/projects");
  await expect(page.getByTestId("project-card").filter({ hasText: "First avatar" })).toContainText("1 avatar");
  await expect(page.getByTestId("project-cover")).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test("a small photo gets its warning on that photo, and 1, 3 and 4 photos each make an avatar", async ({ page }) => {
  await signUp(page, baseUrl, "counts");
  const studio = new StudioPage(page);
  const projectId = await createProject(page, baseUrl, "Counts");
  await studio.open(projectId);

  await studio.describe({ name: "Three", prompt: "smiling, studio portrait" });
  await studio.addPhotos(await jpeg("a.jpg", 1), await jpeg("small.jpg", 2, 300, 300), await png("c.png", 3));
  await studio.submit();
  // A 300×300 photo is small, and so is the face in it (126 px wide): two warnings, both on photo 2.
  await expect(studio.previews().nth(1).getByTestId("photo-warning")).toHaveText([
    /^⚠ Photo 2 \(small\.jpg\) is small \(300×300 px\); photos at least \d+ px on the shorter side work better$/,
    "⚠ Photo 2 (small.jpg): your face is small in the picture; a closer photo works better",
  ]);
  await expect(studio.previews().nth(0).getByTestId("photo-warning")).toHaveCount(0);
  await expect(studio.previews().nth(2).getByTestId("photo-warning")).toHaveCount(0);

  await studio.addPhotos(await jpeg("d.jpg", 4));
  await page.getByLabel("Avatar name").fill("Four");
  await studio.submit();
  await expect(page.getByRole("status").filter({ hasText: '"Four" started' })).toBeVisible();

  for (const n of [4, 3, 2]) await page.getByRole("button", { name: new RegExp(`Remove photo ${n}`) }).click();
  await page.getByLabel("Avatar name").fill("One");
  await studio.submit();
  await expect(page.getByRole("status").filter({ hasText: '"One" started' })).toBeVisible();

  for (const name of ["Three", "Four", "One"]) await studio.waitDone(name);
  await expect(studio.tiles()).toHaveCount(3);
  await expect(studio.balance()).toHaveText(`${100 - 3 * 18} credits`);

  // The user's own metrics: the photo-count distribution of exactly these three.
  await page.goto("/metrics");
  const mine = page.getByTestId("metrics-mine");
  await expect(mine.getByTestId("stat-success-rate")).toHaveText("100%");
  await expect(mine.getByTestId("stat-generations")).toHaveText("3");
  for (const [photos, count] of [[1, 1], [2, 0], [3, 1], [4, 1]] as const) {
    await expect(mine.getByTestId(`photos-${photos}`).getByTestId("count")).toHaveText(String(count));
  }
  await expect(page.getByTestId("metrics-all")).toHaveCount(0);
});

test("the face check refuses a photo with no face, two people or someone else on that photo's preview; the balance does not move", async ({ page }) => {
  await signUp(page, baseUrl, "faces");
  const studio = new StudioPage(page);
  const projectId = await createProject(page, baseUrl, "Faces");
  await studio.open(projectId);
  await expect(studio.balance()).toHaveText("100 credits");
  await studio.describe({ name: "Nobody", prompt: "portrait in soft window light" });

  // A real picture with nobody in it, alone: refused on its preview, nothing charged or started.
  await studio.addPhotos(await noFace("landscape.jpg"));
  await studio.submit();
  await expect(studio.previews().nth(0).getByRole("alert")).toHaveText("We couldn't find a face in photo 1 (landscape.jpg)");
  await expect(page.getByRole("status").filter({ hasText: "started" })).toHaveCount(0);
  await expect(page.getByTestId("generation")).toHaveCount(0);
  await expect(studio.balance()).toHaveText("100 credits");

  // Next to a good photo, the faceless one is named and marked, the good one is not.
  await page.getByRole("button", { name: "Remove photo 1 (landscape.jpg)" }).click();
  await studio.addPhotos(await jpeg("me.jpg", 1), await noFace("ceiling.jpg"));
  await studio.submit();
  await expect(studio.previews().nth(1).getByRole("alert")).toHaveText("We couldn't find a face in photo 2 (ceiling.jpg)");
  await expect(studio.previews().nth(0).getByRole("alert")).toHaveCount(0);

  // Two people in one photo; then a photo of someone else.
  await page.getByRole("button", { name: "Remove photo 2 (ceiling.jpg)" }).click();
  await studio.addPhotos(await twoPeople("friends.jpg"));
  await studio.submit();
  await expect(studio.previews().nth(1).getByRole("alert")).toHaveText("Photo 2 (friends.jpg) shows more than one person — use photos of just you");
  await page.getByRole("button", { name: "Remove photo 2 (friends.jpg)" }).click();
  await studio.addPhotos(await otherPersonJpeg("sister.jpg", 3));
  await studio.submit();
  await expect(studio.previews().nth(1).getByRole("alert")).toHaveText(/^Photo 2 \(sister\.jpg\) shows a different person than photo 1 — use photos of just you$/);

  // Not a credit moved, not a generation made, and the ledger holds only the sign-up grant.
  await expect(studio.balance()).toHaveText("100 credits");
  await expect(page.getByTestId("generation")).toHaveCount(0);
  await page.reload();
  await expect(studio.balance()).toHaveText("100 credits");
  await expect(page.getByTestId("generation")).toHaveCount(0);
  await page.goto("/credits");
  await expect(page.getByTestId("ledger-entry")).toHaveCount(1);

  // With only the user's own face, the same project goes through and charges once.
  await studio.open(projectId);
  await studio.addPhotos(await jpeg("me.jpg", 1));
  await studio.describe({ name: "Somebody", prompt: "portrait in soft window light" });
  await studio.submit();
  await expect(page.getByRole("status").filter({ hasText: '"Somebody" started: 18 credits charged' })).toBeVisible();
  await expect(studio.balance()).toHaveText("82 credits");
});

test("style notes beside the presets go into the generation and show in the avatar's details", async ({ page }) => {
  await signUp(page, baseUrl, "notes");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "Notes"));
  await studio.addPhotos(await jpeg("me.jpg", 1));
  await studio.describe({ name: "Boardroom", prompt: "professional business headshot" });
  await page.getByRole("radio", { name: /^Cinematic/ }).check();
  await page.getByLabel("Style notes (optional)").fill("business professional");
  await studio.submit();
  await studio.waitDone("Boardroom");
  const {
    items: [generation],
  } = await trpcQuery<{ items: Array<{ settings: { style: string; styleNotes: string | null } }> }>(page.request, baseUrl, "generation.list", {
    projectId: new URL(page.url()).pathname.split("/").at(-1),
  });
  expect(generation!.settings).toMatchObject({ style: "Cinematic", styleNotes: "business professional" });
  await studio.tiles().first().click();
  await expect(page.getByTestId("avatar-facts")).toContainText("Cinematic · business professional");
});
