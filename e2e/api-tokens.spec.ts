import { expect, test } from "./support/test";
import { jpeg } from "./support/photos";

/**
 * The settings page makes a token (shown once, listed by its first characters only), the guide's
 * REST calls work with it against the running app, and revoking it stops them at once.
 */
const password = "correct horse battery";
const uniqueEmail = () => `tokens-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@e2e.test`;

test("create an API token, use it for the REST route, revoke it", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(uniqueEmail());
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await expect(page.getByText("No API tokens yet.")).toBeVisible();

  await page.getByLabel("Token name").fill("Nightly build");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByLabel("New token");
  await expect(shown).toHaveValue(/^avs_[A-Za-z]{64}$/);
  const token = await shown.inputValue();

  const row = page.getByTestId("api-token-row").filter({ hasText: "Nightly build" });
  await expect(row).toContainText(`${token.slice(0, 8)}…`);
  await expect(row).toContainText("Never");

  // Shown once: gone after "Done" and after a reload, and never in the list.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("api-token-row")).toHaveCount(1);
  expect(await page.content()).not.toContain(token);

  // The guide's call, with the token made above (the project through the browser's own tRPC).
  const project = await page.request.post("/api/trpc/project.create", { data: { json: { name: "From a script" } } });
  const projectId = ((await project.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
  const photo = await jpeg("me.jpg");
  const bearer = { authorization: `Bearer ${token}` };
  const submitted = await page.request.post(`/api/avatar-creator/projects/${projectId}/avatars/generate-with-photo`, {
    headers: bearer,
    multipart: {
      photo0: photo,
      name: "Headshot",
      prompt: "wearing a navy suit, office background",
      gender: "woman",
      style: "Photographic (Default)",
    },
  });
  expect(submitted.status()).toBe(201);
  const { generation, statusUrl } = (await submitted.json()) as { generation: { id: string; creditCost: number }; statusUrl: string };
  await expect
    .poll(async () => ((await (await page.request.get(statusUrl, { headers: bearer })).json()) as { generation: { status: string } }).generation.status, {
      timeout: 30_000,
    })
    .toBe("succeeded");

  await page.reload();
  await expect(row).not.toContainText("Never");

  await row.getByRole("button", { name: "Revoke Nightly build" }).click();
  await page.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByText("No API tokens yet.")).toBeVisible();
  const refused = await page.request.get(`/api/avatar-creator/generations/${generation.id}`, { headers: bearer });
  expect(refused.status()).toBe(401);
});
