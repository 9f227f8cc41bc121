import { expect, test } from "./support/test";
import { createProject, PASSWORD, signUp, signUpVia, uniqueEmail } from "./support/app";
import { edgeUrl, hfBaseUrl, opsBaseUrl } from "./support/env";
import { fakeHf, mailbox } from "./support/fake";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";

/**
 * Paying, recovering and leaving, on the operations server: it buys through the fake Stripe (its
 * hosted Checkout page, then the signed webhook), mails through a real SMTP server, and deletes
 * for real.
 */
test.use({ baseURL: opsBaseUrl });
test.beforeEach(() => fakeHf.reset());

test("buying the starter pack through Checkout adds 100 credits, shown live on return", async ({ page }) => {
  await signUp(page, opsBaseUrl, "buyer");
  await page.goto("/credits");
  await expect(page.getByTestId("pack")).toHaveCount(3);
  await expect(page.getByTestId("credits-balance")).toHaveText("100 credits");
  await page.getByRole("button", { name: "Buy the Starter pack: 100 credits for $4.99" }).click();

  // Stripe's (fake) hosted page; paying sends the browser back and the webhook a moment later.
  await expect(page).toHaveURL(new RegExp(`^${edgeUrl}/pay/cs_test_`));
  await expect(page.getByTestId("item")).toHaveText("Starter pack — 100 credits");
  await page.getByRole("button", { name: "Pay 4.99 USD" }).click();
  await expect(page).toHaveURL(/\/credits\?purchase=success&session_id=cs_test_/);
  await expect(page.getByTestId("purchase-status")).toHaveAttribute("data-state", "credited");
  await expect(page.getByTestId("purchase-status")).toContainText("100 credits were added");
  await expect(page.getByTestId("credits-balance")).toHaveText("200 credits");
  await expect(page.getByTestId("credit-balance")).toHaveText("200 credits");
  const first = page.getByTestId("ledger-entry").first();
  await expect(first).toHaveAttribute("data-kind", "purchase");
  await expect(first).toContainText(/Starter pack — 100 credits \(Stripe cs_test_\w+\)/);
});

test("a server without Stripe keys says purchases are not set up", async ({ page }) => {
  await signUp(page, hfBaseUrl, "nostripe");
  await page.goto(`${hfBaseUrl}/credits`);
  await expect(page.getByTestId("purchases-off")).toContainText("Purchases are not set up");
  await expect(page.getByTestId("pack")).toHaveCount(0);
});

test("a forgotten password is reset through the mailed link with JavaScript off, and no password or email reaches a URL", async ({ browser }) => {
  // Two sessions that must end with the reset: the sign-up's, and a sign-in elsewhere.
  const email = uniqueEmail("forgot");
  const setup = await browser.newContext({ baseURL: opsBaseUrl });
  await signUpVia(setup.request, opsBaseUrl, email);
  const signedIn = await browser.newContext({ baseURL: opsBaseUrl });
  expect((await signedIn.request.post(`${opsBaseUrl}/api/auth/sign-in/email`, { data: { email, password: PASSWORD }, headers: { origin: opsBaseUrl } })).status()).toBe(200);

  const context = await browser.newContext({ baseURL: opsBaseUrl, javaScriptEnabled: false });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(page.getByTestId("reset-sent")).toBeVisible();

  const mail = await mailbox.waitFor(email, /Reset your Avatar Studio password/);
  const link = mail.links[0]!;
  expect(link.startsWith(`${opsBaseUrl}/api/auth/reset-password/`)).toBe(true);
  await page.goto(link);
  await expect(page).toHaveURL(/\/reset-password\?token=/);
  const newPassword = "my new passphrase 42";
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("New password again").fill(newPassword);
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page.getByTestId("reset-done")).toBeVisible();

  // The link works once.
  await page.goto(link);
  await expect(page.getByTestId("reset-invalid")).toBeVisible();

  for (const url of urls) {
    expect(url).not.toContain(encodeURIComponent(newPassword));
    expect(url).not.toContain(newPassword.replace(/ /g, "+"));
    expect(url).not.toContain(encodeURIComponent(email));
    expect(url).not.toContain(email);
  }
  // The old password no longer works, the new one does, and the session from before has ended.
  const signIn = (password: string) => page.request.post(`${opsBaseUrl}/api/auth/sign-in/email`, { data: { email, password }, headers: { origin: opsBaseUrl } });
  expect((await signIn(PASSWORD)).status()).toBe(401);
  expect((await signIn(newPassword)).status()).toBe(200);
  for (const ended of [setup, signedIn]) {
    const stale = await ended.request.get(`${opsBaseUrl}/api/auth/get-session?disableCookieCache=true`);
    expect(await stale.json()).toBeNull();
  }
  await Promise.all([setup.close(), signedIn.close(), context.close()]);
});

test("deleting the account asks for the password and a typed confirmation, then nothing of it remains", async ({ page, browser }) => {
  const { email } = await signUp(page, opsBaseUrl, "leaver");
  const studio = new StudioPage(page);
  await studio.open(await createProject(page, opsBaseUrl, "Going away"));
  await studio.addPhotos(await jpeg("me.jpg"));
  await studio.describe({ name: "Last one", prompt: "studio portrait" });
  await studio.submit();
  await studio.waitDone("Last one");
  const image = await studio.tiles().first().locator("img").getAttribute("src");
  expect(image).toMatch(/^\/api\/images\//);
  expect((await page.request.get(`${opsBaseUrl}${image}`)).status()).toBe(200);

  await page.goto("/settings");
  const download = page.getByRole("link", { name: "Download my data" });
  await expect(download).toHaveAttribute("href", "/api/account/export");
  const zip = await page.request.get(`${opsBaseUrl}/api/account/export`);
  expect(zip.headers()["content-type"]).toBe("application/zip");
  expect((await zip.body()).subarray(0, 2).toString()).toBe("PK");

  const remove = page.getByRole("button", { name: "Delete my account" });
  await page.getByLabel("Your password").fill(PASSWORD);
  await expect(remove).toBeDisabled();
  await page.getByLabel(/Type “delete my account” to confirm/).fill("delete my account");
  await page.getByLabel("Your password").fill("wrong password");
  await remove.click();
  await expect(page.getByRole("alert").filter({ hasText: "That is not your password" })).toBeVisible();
  await page.getByLabel("Your password").fill(PASSWORD);
  await remove.click();
  await expect(page.getByTestId("goodbye")).toBeVisible();

  const other = await browser.newContext({ baseURL: opsBaseUrl });
  const signIn = await other.request.post(`${opsBaseUrl}/api/auth/sign-in/email`, { data: { email, password: PASSWORD }, headers: { origin: opsBaseUrl } });
  expect(signIn.status()).toBe(401);
  await signUp(await other.newPage(), opsBaseUrl, "someone-else");
  for (const url of [image!, image!.replace("size=thumb", "size=full")]) {
    expect((await other.request.get(`${opsBaseUrl}${url}`)).status()).toBe(404);
    expect((await page.request.get(`${opsBaseUrl}${url}`)).status()).toBe(404);
  }
  await other.close();
});
