import { expect, test } from "./support/test";
import { asAdmin, createProject, expectNoHorizontalScroll, keepScreenshot, signUp, trpcMutation } from "./support/app";
import { baseUrl } from "./support/env";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/** Tiers, charges and the ledger, on the offline engine. */

test("each tier charges 18 / 25 / 35, the balance follows, and short credits block submit with a reason", async ({ page }, testInfo) => {
  const user = await signUp(page, baseUrl, "tiers");
  await asAdmin(baseUrl, (api) => trpcMutation(api, baseUrl, "admin.setPlan", { email: user.email, plan: "enterprise" }));
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, baseUrl, "Tiers"));
  await studio.addPhotos(await jpeg("me.jpg"));

  let balance = 100;
  for (const [tier, cost, size] of [["Basic", 18, "512×512"], ["Pro", 25, "1024×1024"], ["Enterprise", 35, "1536×1536"]] as const) {
    await studio.chooseTier(tier);
    await expect(page.getByRole("radio", { name: new RegExp(`^${tier}`) })).toBeChecked();
    await expect(page.getByText(`${cost} credits · ${size}`)).toBeVisible();
    await expect(page.getByTestId("cost")).toHaveText(`${cost} credits`);
    await expect(page.getByTestId("balance-after")).toHaveText(`${balance - cost} credits`);
    await studio.describe({ name: `${tier} avatar`, prompt: "portrait in soft window light" });
    await studio.submit();
    balance -= cost;
    await expect(studio.balance()).toHaveText(`${balance} credits`);
  }
  expect(balance).toBe(22);

  // 22 left: Basic is still possible, Pro is not, and the button says why.
  await studio.chooseTier("Pro");
  await expect(studio.submitButton()).toBeDisabled();
  await expect(page.getByTestId("submit-blocked")).toContainText("Not enough credits: this costs 25 credits and your balance is 22.");
  await expect(page.getByTestId("balance-after")).toHaveText("3 credits short");
  await studio.chooseTier("Basic");
  await expect(studio.submitButton()).toBeEnabled();

  for (const tier of ["Basic", "Pro", "Enterprise"]) await studio.waitDone(`${tier} avatar`);
  await expect(studio.tiles()).toHaveCount(3);

  await page.getByRole("link", { name: "Credits", exact: true }).click();
  await expect(page.getByTestId("credits-balance")).toHaveText("22 credits");
  const entries = page.getByTestId("ledger-entry");
  await expect(entries).toHaveCount(4);
  await expect(entries.getByTestId("ledger-amount")).toHaveText(["−35", "−25", "−18", "+100"]);
  await expect(entries.nth(0)).toContainText("Enterprise avatar generation");
  await expect(entries.nth(3)).toContainText("Welcome credits");
  await keepScreenshot(page, testInfo, "credits");
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page);
});

test("the ledger is paginated, newest first", async ({ page }) => {
  const user = await signUp(page, baseUrl, "ledger");
  await asAdmin(baseUrl, async (api) => {
    for (let i = 1; i <= 21; i++) {
      await trpcMutation(api, baseUrl, "admin.grantCredits", { email: user.email, amount: i, reason: `Bonus ${i}` });
    }
  });
  await page.goto("/credits");
  await expect(page.getByTestId("credits-balance")).toHaveText(`${100 + (21 * 22) / 2} credits`);
  const entries = page.getByTestId("ledger-entry");
  await expect(entries).toHaveCount(20);
  await expect(entries.first()).toContainText("Bonus 21");
  await expect(entries.nth(19)).toContainText("Bonus 2");
  await page.getByRole("button", { name: "Load older entries" }).click();
  await expect(entries).toHaveCount(22);
  await expect(entries.nth(20)).toContainText("Bonus 1");
  await expect(entries.nth(21)).toContainText("Welcome credits");
  await expect(page.getByText("That's everything: 22 entries.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Load older entries" })).toHaveCount(0);
});
