import { expect, test } from "./support/test";
import { createProject, signUp } from "./support/app";
import { hfBaseUrl } from "./support/env";
import { fakeHf } from "./support/fake";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/**
 * Provider behaviour, on the Hugging Face engine against the fake Hugging Face server: what is
 * sent to PhotoMaker, failures and refunds, retries, and FLUX standing in. Each test scripts
 * the fake's answers first; unscripted calls get an image.
 */
test.use({ baseURL: hfBaseUrl });
test.beforeEach(() => fakeHf.reset());

test("a provider failure ends failed with the message and the credits returned, in the history too", async ({ page }) => {
  await signUp(page, hfBaseUrl, "refund");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, hfBaseUrl, "Refunds"));
  await fakeHf.enqueue(["no-face"]);
  await studio.addPhotos(await jpeg("me.jpg"));
  await studio.describe({ name: "Faceless", prompt: "at the beach" });
  await studio.submit();

  const card = studio.generation("Faceless");
  await expect(card).toHaveAttribute("data-stage", "failed", { timeout: 30_000 });
  await expect(card.getByTestId("generation-detail")).toHaveText("We couldn't find a face in your photos — your 18 credits were returned.");
  await expect(card.getByTestId("generation-refund")).toHaveText("18 credits returned");
  await expect(page.getByTestId("generation-announcer")).toContainText("Faceless: Failed. We couldn't find a face");
  await expect(studio.balance()).toHaveText("100 credits");
  await expect(card.getByRole("button", { name: "Try Faceless again with the same settings" })).toBeVisible();
  await expect(studio.tiles()).toHaveCount(0);

  await page.getByRole("link", { name: "Credits", exact: true }).click();
  const entries = page.getByTestId("ledger-entry");
  await expect(entries.getByTestId("ledger-amount")).toHaveText(["+18", "−18", "+100"]);
  await expect(entries.first()).toHaveAttribute("data-kind", "refund");
  await expect(entries.first()).toContainText("Refund: We couldn't find a face in your photos");
});

test("retrying says why and when, then PhotoMaker answers; FLUX stands in when PhotoMaker keeps failing", async ({ page }) => {
  await signUp(page, hfBaseUrl, "retry");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, hfBaseUrl, "Retries"));
  await studio.addPhotos(await jpeg("me.jpg"));

  // A 429 asking for 300 s (3 s at the test executor's time scale), then an image.
  await fakeHf.enqueue([{ kind: "rate-limit", retryAfterSeconds: 300 }, "image"]);
  await studio.describe({ name: "Patient", prompt: "in a garden" });
  await studio.submit();
  const patient = studio.generation("Patient");
  await expect(patient).toHaveAttribute("data-stage", "retrying");
  await expect(patient.getByTestId("generation-detail")).toContainText("API limit reached, generation queued. Next try at");
  await expect(patient.getByTestId("generation-detail")).toContainText(/\(in \d+ (s|min)\)/);
  await studio.waitDone("Patient");
  await expect(patient.getByTestId("generation-detail")).toContainText("Made by PhotoMaker V2");

  // PhotoMaker fails four times (first try and three retries): FLUX makes the picture.
  await fakeHf.enqueue(["server-error", "server-error", "server-error", "server-error"]);
  await page.getByLabel("Avatar name").fill("Stand-in");
  await studio.submit();
  await studio.waitDone("Stand-in");
  await expect(studio.generation("Stand-in").getByTestId("generation-detail")).toContainText("Made by FLUX (stand-in for PhotoMaker)");
  await expect(studio.tiles()).toHaveCount(2);
  await expect(studio.tiles().filter({ hasText: "Offline preview" })).toHaveCount(0);
  // The FLUX stand-in is labelled as such, on its tile and in the full view; PhotoMaker's is not.
  const standIn = studio.tiles().filter({ hasText: "Stand-in" });
  await expect(standIn.getByTestId("tile-identity")).toHaveText("not identity-preserving");
  await expect(studio.tiles().filter({ hasText: "Patient" }).getByTestId("tile-identity")).toHaveCount(0);
  await standIn.getByRole("button", { name: "Open Stand-in" }).click();
  const dialog = page.getByRole("dialog", { name: "Stand-in" });
  await expect(dialog.getByTestId("avatar-identity")).toHaveText("not identity-preserving");
  await expect(dialog.getByTestId("avatar-likeness")).toHaveText(/^(\d{1,3}\/100|no face in the result)$/);
  await page.keyboard.press("Escape");

  await page.goto("/metrics");
  const mine = page.getByTestId("metrics-mine");
  await expect(mine.getByTestId("stat-generations")).toHaveText("2");
  await expect(mine.getByTestId("stat-rate-limited")).toHaveText("50%");
  await expect(mine.getByTestId("stat-flux-stood-in")).toHaveText("50%");
  await expect(mine.getByTestId("stat-success-rate")).toHaveText("100%");
});

test("what PhotoMaker receives: the trigger added or kept, persona and attributes, style strength at both ends", async ({ page }) => {
  await signUp(page, hfBaseUrl, "prompt");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, hfBaseUrl, "Prompts"));
  await studio.addPhotos(await jpeg("me.jpg"), await jpeg("me2.jpg", 2));
  const strength = page.getByRole("slider", { name: /Style strength/ });

  // Without "img": we add it after the class word, with the persona around it.
  await studio.describe({ name: "Described", prompt: "wearing a linen shirt, seaside" });
  await page.getByLabel("Persona name").fill("Mei");
  await page.getByLabel("Persona age").fill("34");
  await page.getByLabel("Gender").selectOption("woman");
  await page.getByLabel("Ethnicity").fill("East Asian");
  await strength.fill("0.5");
  await expect(page.getByText("Style strength: 0.50 (more creative)")).toBeVisible();
  await studio.submit();
  await studio.waitDone("Described");

  // With "img" written by the user: kept as written; the most identity-preserving strength.
  await studio.describe({ name: "Written", prompt: "a woman img reading in a café" });
  await page.getByLabel("Persona name").fill("");
  await page.getByLabel("Persona age").fill("");
  await page.getByLabel("Age range").selectOption("25-34");
  await strength.fill("0.95");
  await expect(page.getByText("Style strength: 0.95 (very like you)")).toBeVisible();
  await studio.submit();
  await studio.waitDone("Written");

  const [described, written] = await fakeHf.photomakerRequests();
  expect(described!.inputs).toContain("34-year-old East Asian woman img named Mei");
  expect(described!.inputs).toContain("wearing a linen shirt, seaside");
  expect(described!.inputs.match(/\bimg\b/g)).toHaveLength(1);
  expect(described!.parameters.style_strength_ratio).toBe(50);
  expect(described!.input_id_images).toHaveLength(2);

  expect(written!.inputs).toContain("a woman img reading in a café");
  expect(written!.inputs).toContain("East Asian");
  expect(written!.inputs.match(/\bimg\b/g)).toHaveLength(1);
  expect(written!.parameters.style_strength_ratio).toBe(15);

  // The gallery shows what was asked for.
  await studio.tiles().filter({ hasText: "Written" }).getByRole("button").click();
  await expect(page.getByRole("dialog").getByTestId("avatar-facts")).toContainText("0.95");
});
