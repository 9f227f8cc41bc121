import { expect, test } from "./support/test";
import { createProject, signUp, trpcQuery } from "./support/app";
import { hfBaseUrl } from "./support/env";
import { fakeHf } from "./support/fake";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/**
 * Batches on the Hugging Face engine against the fake Hugging Face server: several style cards,
 * one photo, one submission. The fake fails the first PhotoMaker call for good ("no face"), so
 * exactly one member fails and is refunded on its own.
 */
test.use({ baseURL: hfBaseUrl });
test.beforeEach(() => fakeHf.reset());

test("3 styles × 1 photo: 3 avatars for 54 credits charged together; the one that fails refunds 18 and leaves the other two", async ({ page }) => {
  await signUp(page, hfBaseUrl, "batch");
  const studio = new StudioPage(page);
  const projectId = await createProject(page, hfBaseUrl, "Batch");
  await studio.open(projectId);
  await fakeHf.enqueue(["no-face"]);
  await studio.addPhotos(await jpeg("me.jpg"));
  await studio.describe({ name: "Trio", prompt: "at the office" });

  // One style: the price of one. Several: the total and the balance after, before submitting.
  await studio.chooseTier("Basic");
  await expect(page.getByTestId("cost")).toHaveText("18 credits");
  await page.getByLabel(/^Several styles at once/).check();
  await page.getByRole("checkbox", { name: /^Cinematic/ }).check();
  await page.getByRole("checkbox", { name: /^Comic book/ }).check();
  await expect(page.getByRole("checkbox", { name: /^Photographic \(Default\)/ })).toBeChecked();
  await expect(page.getByTestId("cost")).toHaveText("54 credits (3 avatars)");
  await expect(page.getByTestId("balance-after")).toHaveText("46 credits");
  await page.getByLabel("Variations of each").selectOption("2");
  await expect(page.getByTestId("submit-blocked")).toContainText("At most 4 avatars per submission: 3 styles × 2 variations would make 6.");
  await page.getByLabel("Variations of each").selectOption("1");
  await expect(studio.submitButton()).toHaveText("Generate 3 avatars (54 credits)");
  await studio.submit();
  await expect(page.getByRole("status").filter({ hasText: '3 avatars of "Trio" started: 54 credits charged' })).toBeVisible();

  // The generations list groups the batch; each member runs on its own.
  const batch = page.getByTestId("generation-batch");
  await expect(batch).toHaveCount(1);
  const members = batch.getByTestId("generation");
  await expect(members).toHaveCount(3);
  // One card per style (members made together share their time, so in no set order).
  await expect
    .poll(async () => (await members.getByTestId("generation-variant").allTextContents()).map((t) => t.split(" · ")[0]).sort())
    .toEqual(["Cinematic", "Comic book", "Photographic (Default)"]);
  await expect(batch.locator('[data-testid="generation"][data-stage="succeeded"]')).toHaveCount(2, { timeout: 45_000 });
  const failed = batch.locator('[data-testid="generation"][data-stage="failed"]');
  await expect(failed).toHaveCount(1, { timeout: 45_000 });
  await expect(failed.getByTestId("generation-refund")).toHaveText("18 credits returned");
  await expect(studio.balance()).toHaveText("64 credits");

  // The gallery groups the batch's two avatars.
  const avatarBatch = page.getByTestId("avatar-batch");
  await expect(avatarBatch.getByTestId("avatar-tile")).toHaveCount(2);
  const { items } = await trpcQuery<{ items: Array<{ batchId: string | null }> }>(page.request, hfBaseUrl, "avatar.list", { projectId });
  expect(items).toHaveLength(2);
  expect(new Set(items.map((i) => i.batchId)).size).toBe(1);

  // Charged once, together: three charges of 18 in one go, one refund, nothing else.
  await page.getByRole("link", { name: "Credits", exact: true }).click();
  await expect(page.getByTestId("ledger-entry").getByTestId("ledger-amount")).toHaveText(["+18", "−18", "−18", "−18", "+100"]);
});
