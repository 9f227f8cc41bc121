import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { createProject, keepScreenshot, signInAdmin, signUp, trpcQueryStatus } from "./support/app";
import { opsBaseUrl } from "./support/env";
import { fakeHf, relay } from "./support/fake";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/**
 * The operations console as an administrator uses it, on the operations server (the Hugging Face
 * engine on the fake, whose "hold" keeps a generation running; its events pass a relay that can
 * lose them): find a user, grant credits, cancel a running generation, re-drive a lost one.
 */
test.use({ baseURL: opsBaseUrl });
test.beforeEach(async () => {
  await fakeHf.reset();
  await relay.reset();
});

/** A user in a browser context of their own, with a project open in the studio. */
async function userWithStudio(browser: Browser, tag: string) {
  const context = await browser.newContext({ baseURL: opsBaseUrl });
  const page = await context.newPage();
  const user = await signUp(page, opsBaseUrl, tag);
  const studio = new StudioPage(page);
  const projectId = await createProject(page, opsBaseUrl, "Support case");
  await studio.open(projectId);
  return { ...user, page, studio, close: () => context.close() };
}

async function submit(studio: StudioPage, name: string) {
  await studio.addPhotos(await jpeg("me.jpg"));
  await studio.describe({ name, prompt: "studio portrait, soft light" });
  await studio.submit();
}

async function openConsoleAsAdmin(page: Page) {
  await signInAdmin(page, opsBaseUrl);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Operations" })).toBeVisible();
}

async function openGenerationOf(page: Page, email: string) {
  await page.getByRole("button", { name: "Generations" }).click();
  await page.getByLabel("User (email or id)").fill(email);
  const row = page.getByTestId("admin-generation-row");
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: /^Open / }).click();
  return page.getByTestId("admin-timeline");
}

test("an admin finds a user by email and grants 50 credits with a reason: the ledger and the audit show it", async ({ page, browser }, testInfo) => {
  const customer = await userWithStudio(browser, "grant");
  await openConsoleAsAdmin(page);

  await page.getByLabel("Email or user id").fill(customer.email);
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.getByTestId("admin-user-row")).toHaveCount(1);
  await page.getByRole("button", { name: `Open ${customer.email}` }).click();
  const detail = page.getByTestId("admin-user-detail");
  await expect(detail.getByTestId("admin-balance")).toHaveText("100");

  const form = detail.getByTestId("credits-form");
  await form.getByLabel("Credits").fill("50");
  await form.getByLabel("Reason").fill("Sorry about Tuesday's outage (ticket 12)");
  await form.getByRole("button", { name: "Grant credits" }).click();
  await expect(form.getByRole("status")).toHaveText("Granted 50 credits; the balance is now 150.");
  await expect(detail.getByTestId("admin-balance")).toHaveText("150");
  await expect(detail.getByTestId("admin-ledger-entry").first()).toContainText("+50");
  await expect(detail.getByTestId("admin-ledger-entry").first()).toContainText("Sorry about Tuesday's outage (ticket 12)");
  await expect(detail.getByTestId("admin-ledger-entry").first()).toContainText("by admin@e2e.test");

  await page.getByRole("button", { name: "Audit" }).click();
  await page.getByLabel("User id").fill(customer.id);
  const entry = page.getByTestId("audit-entry");
  await expect(entry).toHaveCount(1);
  await expect(entry).toHaveAttribute("data-action", "credits.grant");
  await expect(entry.getByTestId("audit-actor")).toHaveText("admin@e2e.test");
  await expect(entry).toContainText("Sorry about Tuesday's outage (ticket 12)");
  await expect(entry).toContainText("balance 100 → 150");
  await keepScreenshot(page, testInfo, "admin-audit");

  // The customer sees it in their own history.
  await customer.page.goto("/credits");
  await expect(customer.page.getByTestId("credits-balance")).toHaveText("150 credits");
  await expect(customer.page.getByTestId("ledger-entry").first()).toContainText("Sorry about Tuesday's outage (ticket 12)");
  await customer.close();
});

test("an admin cancels a running generation: the credits come back, its run is cancelled, and no avatar appears later", async ({ page, browser }, testInfo) => {
  const customer = await userWithStudio(browser, "cancel");
  await fakeHf.enqueue(["hold"]);
  await submit(customer.studio, "Stuck headshot");
  const card = customer.studio.generation("Stuck headshot");
  await expect(card).toHaveAttribute("data-stage", "generating");
  await expect(customer.studio.balance()).toHaveText("82 credits");

  await openConsoleAsAdmin(page);
  const timeline = await openGenerationOf(page, customer.email);
  await expect(timeline).toHaveAttribute("data-status", "processing");
  await expect(timeline.getByTestId("timeline-run")).toHaveAttribute("data-run-status", "running");
  const cancel = timeline.getByTestId("cancel-form");
  await cancel.getByLabel("Reason").fill("Customer wrote: stuck for an hour");
  await cancel.getByRole("button", { name: "Cancel generation" }).click();
  await expect(timeline.getByTestId("timeline-notice")).toHaveText("Cancelled; 18 credits returned, its run cancelled.");
  await expect(timeline).toHaveAttribute("data-status", "failed");
  await expect(timeline.getByTestId("timeline-run")).toHaveAttribute("data-run-status", "cancelled");
  await expect(timeline.getByTestId("timeline-audit-entry")).toContainText("generation.cancel by admin@e2e.test");
  await keepScreenshot(page, testInfo, "admin-cancelled");

  // The customer sees it at once, with the credits back.
  await expect(card).toHaveAttribute("data-stage", "failed");
  await expect(card.getByTestId("generation-detail")).toHaveText("Cancelled by support — credits returned");
  await expect(card.getByTestId("generation-refund")).toHaveText("18 credits returned");
  await expect(customer.studio.balance()).toHaveText("100 credits");

  // The engine answers after all: nothing is saved.
  await fakeHf.release();
  await page.waitForTimeout(2_000);
  await customer.page.reload();
  await expect(customer.studio.generation("Stuck headshot")).toHaveAttribute("data-stage", "failed");
  await expect(customer.studio.tiles()).toHaveCount(0);
  await expect(customer.studio.balance()).toHaveText("100 credits");
  await customer.close();
});

test("an admin re-drives a generation whose start event was lost: it runs once and completes", async ({ page, browser }) => {
  const customer = await userWithStudio(browser, "redrive");
  await relay.drop("avatar/generate.requested");
  await submit(customer.studio, "Lost headshot");
  const card = customer.studio.generation("Lost headshot");
  await expect(card).toHaveAttribute("data-stage", "queued");
  expect((await relay.dropped()).map((e) => e.name)).toEqual(["avatar/generate.requested"]);

  await openConsoleAsAdmin(page);
  const timeline = await openGenerationOf(page, customer.email);
  await expect(timeline.getByTestId("no-run")).toBeVisible();
  const redrive = timeline.getByTestId("redrive-form");
  await redrive.getByLabel("Reason").fill("Start event lost in transit");
  await redrive.getByRole("button", { name: "Send its start event again" }).click();
  await expect(timeline.getByTestId("timeline-notice")).toContainText("Sent generation-requested:");

  await customer.studio.waitDone("Lost headshot");
  await expect(customer.studio.tiles()).toHaveCount(1);
  await expect(customer.studio.balance()).toHaveText("82 credits");
  await expect(timeline).toHaveAttribute("data-status", "succeeded");
  await expect(timeline.getByTestId("timeline-run")).toHaveCount(1);
  await expect(timeline.getByTestId("timeline-run")).toHaveAttribute("data-run-status", "completed");
  await expect(timeline.getByTestId("timeline-ledger-entry")).toHaveCount(1);
  await customer.close();
});

test("anyone but an administrator gets 404 on /admin and FORBIDDEN from admin procedures", async ({ page }) => {
  const anonymous = await page.goto("/admin");
  expect(anonymous?.status()).toBe(404);
  await signUp(page, opsBaseUrl, "nosy");
  const signedIn = await page.goto("/admin");
  expect(signedIn?.status()).toBe(404);
  await expect(page.getByText("Operations")).toHaveCount(0);
  for (const [path, input] of [
    ["admin.users", { query: "e2e.test" }],
    ["admin.generations", {}],
    ["admin.audit", {}],
  ] as const) {
    expect(await trpcQueryStatus(page.request, opsBaseUrl, path, input), path).toBe(403);
  }
  const res = await page.request.post(`${opsBaseUrl}/api/trpc/admin.grantCredits`, {
    data: { json: { email: "admin@e2e.test", amount: 1000, reason: "please" } },
    headers: { origin: opsBaseUrl },
  });
  expect(res.status()).toBe(403);
});
