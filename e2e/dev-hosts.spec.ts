import { expect, test } from "./support/test";
import { PASSWORD, uniqueEmail } from "./support/app";
import { E2E } from "./support/env";

/**
 * `npm run dev` (not the production build) opened at either loopback name. Next's dev server
 * refuses its scripts and HMR socket to hosts it doesn't trust, and then the page never hydrates;
 * the auth client must also talk to the page's own origin, whatever BETTER_AUTH_URL names (the dev
 * server here runs with BETTER_AUTH_URL=http://127.0.0.1:…, so localhost is "the other" host).
 */
test.describe.configure({ timeout: 180_000 }); // a dev server compiles each route on first use

for (const host of ["127.0.0.1", "localhost"]) {
  test(`npm run dev at http://${host}: the page hydrates and signs up through the auth client`, async ({ page }) => {
    const origin = `http://${host}:${E2E.devPort}`;
    const refused: string[] = [];
    page.on("response", (res) => {
      if (res.status() === 403 && new URL(res.url()).pathname.startsWith("/_next")) refused.push(res.url());
    });
    await page.goto(`${origin}/sign-up`);
    const form = page.getByRole("form", { name: "Create your account" });
    await expect(form).toHaveAttribute("data-hydrated", "true", { timeout: 120_000 });

    await page.getByLabel("Name").fill("Dev");
    await page.getByLabel("Email").fill(uniqueEmail(`dev-${host}`));
    await page.getByLabel("Password").fill(PASSWORD);
    // Hydrated, the form signs up with the auth client at the page's own origin (not the no-JS post).
    const signUp = page.waitForRequest((req) => req.url() === `${origin}/api/auth/sign-up/email` && req.method() === "POST");
    await page.getByRole("button", { name: "Create account" }).click();
    await signUp;
    // The projects page compiles on its first visit, which takes a while on a busy machine.
    await expect(page).toHaveURL(`${origin}/projects`, { timeout: 120_000 });
    await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible({ timeout: 120_000 });
    expect(refused).toEqual([]);
  });
}
