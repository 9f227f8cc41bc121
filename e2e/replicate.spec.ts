import { expect, test } from "./support/test";
import { createProject, signUp, trpcQuery } from "./support/app";
import { replicateBaseUrl } from "./support/env";
import { fakeReplicate } from "./support/fake-replicate";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/**
 * Real avatars with only a token: the app on GENERATION_ENGINE=replicate, REPLICATE_API_TOKEN and
 * REPLICATE_BASE_URL pointing at the fake Replicate server (test/fakes/replicate.ts), scripted per
 * test; unscripted predictions succeed with a 1024×1024 PNG, as PhotoMaker on Replicate makes.
 */
test.use({ baseURL: replicateBaseUrl });
test.beforeEach(() => fakeReplicate.reset());

test("a generation sends one input_image per photo plus PhotoMaker's fields, and ends with an avatar at the tier's size", async ({ page }) => {
  await signUp(page, replicateBaseUrl, "replicate");
  const studio = new StudioPage(page);
  const projectId = await createProject(page, replicateBaseUrl, "On Replicate");
  await studio.open(projectId);
  await studio.addPhotos(await jpeg("me.jpg"), await jpeg("me2.jpg", 2));
  await studio.describe({ name: "Replicated", prompt: "wearing a linen shirt, seaside", seed: 4242 });
  await page.getByLabel("Gender").selectOption("woman");
  await studio.submit();
  await studio.waitDone("Replicated");
  await expect(studio.generation("Replicated").getByTestId("generation-detail")).toContainText("Made by PhotoMaker V1 via Replicate");

  const { predictions, running, files } = await fakeReplicate.state();
  expect(predictions).toHaveLength(1);
  const [prediction] = predictions;
  expect(prediction!.photoCount).toBe(2);
  const input = prediction!.input;
  expect(Object.keys(input).sort()).toEqual(
    [
      "input_image", "input_image2", "prompt", "style_name", "negative_prompt", "num_steps", "style_strength_ratio",
      "num_outputs", "guidance_scale", "seed", "disable_safety_checker",
    ].sort(),
  );
  expect(String(input.input_image)).toMatch(/^data:image\/jpeg;base64,/);
  expect(String(input.prompt)).toContain("woman img");
  expect(String(input.prompt).match(/\bimg\b/g)).toHaveLength(1);
  expect(String(input.prompt)).not.toContain("35mm photograph"); // the model applies the style template itself
  expect(input).toMatchObject({
    style_name: "Photographic (Default)",
    num_steps: 30,
    num_outputs: 1,
    guidance_scale: 5,
    seed: 4242,
    disable_safety_checker: false,
  });
  expect(Number(input.style_strength_ratio)).toBeGreaterThanOrEqual(15);
  expect(String(input.negative_prompt)).toContain("lowres");
  expect([running, files]).toEqual([[], []]);

  // Basic tier: 512×512, though the model made 1024×1024.
  const {
    items: [avatar],
  } = await trpcQuery<{ items: Array<{ width: number; height: number; engine: string }> }>(page.request, replicateBaseUrl, "avatar.list", { projectId });
  expect(avatar).toMatchObject({ width: 512, height: 512, engine: "photomaker" });
  await studio.tiles().filter({ hasText: "Replicated" }).getByRole("button").click();
  const facts = page.getByRole("dialog").getByTestId("avatar-facts");
  await expect(facts).toContainText("512×512");
  await expect(facts).toContainText("PhotoMaker V1 via Replicate");
});

test("an empty output (the provider's safety checker) ends failed, refunded once, with the safety-filter message", async ({ page }) => {
  await signUp(page, replicateBaseUrl, "filtered");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, replicateBaseUrl, "Filtered"));
  await fakeReplicate.enqueue(["empty-output"]);
  await studio.addPhotos(await jpeg("me.jpg"));
  await studio.describe({ name: "Withheld", prompt: "at the beach" });
  await studio.submit();

  const card = studio.generation("Withheld");
  await expect(card).toHaveAttribute("data-stage", "failed", { timeout: 30_000 });
  await expect(card.getByTestId("generation-detail")).toHaveText(
    "The provider's safety filter withheld this result; try another prompt or photo — your 18 credits were returned.",
  );
  await expect(studio.balance()).toHaveText("100 credits");
  await expect(studio.tiles()).toHaveCount(0);
  // No retry and no FLUX: the one prediction is all there was.
  expect((await fakeReplicate.state()).predictions.map((p) => p.target)).toEqual(["photomaker"]);

  await page.getByRole("link", { name: "Credits", exact: true }).click();
  const entries = page.getByTestId("ledger-entry");
  await expect(entries.getByTestId("ledger-amount")).toHaveText(["+18", "−18", "+100"]);
  await expect(entries.first()).toContainText("Refund: The provider's safety filter withheld this result");
});

test("a trigger-word failure is not retried: one prediction, failed as invalid parameters, refunded", async ({ page }) => {
  await signUp(page, replicateBaseUrl, "trigger");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, replicateBaseUrl, "Trigger"));
  await fakeReplicate.enqueue(["trigger-word"]);
  await studio.addPhotos(await jpeg("me.jpg"));
  await studio.describe({ name: "Untriggered", prompt: "in a library" });
  await studio.submit();

  const card = studio.generation("Untriggered");
  await expect(card).toHaveAttribute("data-stage", "failed", { timeout: 30_000 });
  await expect(card.getByTestId("generation-detail")).toHaveText("Invalid parameters — your 18 credits were returned.");
  await expect(studio.balance()).toHaveText("100 credits");
  const { predictions, running } = await fakeReplicate.state();
  expect(predictions.map((p) => [p.target, p.status])).toEqual([["photomaker", "failed"]]);
  expect(running).toEqual([]);
});
