import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { createProject, PASSWORD, signUpVia, uniqueEmail } from "./support/app";

/**
 * With JavaScript off (as on a page that hasn't hydrated yet), no form may put a password or an
 * email in a URL: sign-up and sign-in work through a POST, and every other form either can't be
 * submitted (its button is disabled) and says it needs JavaScript.
 */
test.use({ javaScriptEnabled: false });

/** Every URL the page asked for, checked at the end for the secrets typed into it. */
function watchUrls(page: Page) {
  const urls: string[] = [];
  page.on("request", (req) => urls.push(req.url()));
  return {
    expectNoneContain(...secrets: string[]) {
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) {
        const decoded = decodeURIComponent(url);
        for (const secret of secrets) expect(decoded, url).not.toContain(secret);
      }
    },
  };
}

/** The <noscript> note (Playwright's text matching skips noscript elements, so by its role). */
async function expectNote(page: Page, text: string) {
  const note = page.locator("[role=note]");
  await expect(note).toBeVisible();
  await expect(note).toContainText(text);
}

test("sign-up without JavaScript: posted, signed in, on the projects page", async ({ page }) => {
  const urls = watchUrls(page);
  const email = uniqueEmail("nojs-up");
  await page.goto("/sign-up");
  await expect(page.getByRole("form", { name: "Create your account" })).toHaveAttribute("method", "post");
  await page.getByLabel("Name").fill("No Script");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible();
  urls.expectNoneContain(PASSWORD, email);
});

test("sign-in without JavaScript: a wrong password comes back with the message, the right one signs in", async ({ page, baseURL }) => {
  const email = uniqueEmail("nojs-in");
  await signUpVia(page.context().request, baseURL!, email);
  await page.context().clearCookies();
  const urls = watchUrls(page);

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in\?error=INVALID_EMAIL_OR_PASSWORD$/);
  await expect(page.getByText("That email and password don't match an account.")).toBeVisible();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  urls.expectNoneContain(PASSWORD, "not the password", email);
});

test("the forms that need JavaScript can't be submitted without it, and say so", async ({ page, baseURL }) => {
  await signUpVia(page.context().request, baseURL!);
  const projectId = await createProject(page, baseURL!, "No script");

  await page.goto("/projects");
  await expectNote(page, "Creating a project needs JavaScript.");
  await expect(page.getByRole("button", { name: "Create project" })).toBeDisabled();

  await page.goto("/settings");
  await expectNote(page, "Creating a token needs JavaScript.");
  await expect(page.getByRole("button", { name: "Create token" })).toBeDisabled();

  await page.goto(`/projects/${projectId}`);
  await expectNote(page, "The studio needs JavaScript.");
  await expect(page.getByRole("button", { name: /^Generate avatar/ })).toBeDisabled();
});

test("every form on every page posts (none can fall back to a GET with its fields in the URL)", async ({ page, baseURL }) => {
  await signUpVia(page.context().request, baseURL!);
  const projectId = await createProject(page, baseURL!, "Forms");
  for (const path of ["/projects", `/projects/${projectId}`, "/settings", "/credits", "/metrics"]) {
    await page.goto(path);
    const methods = await page.locator("form").evaluateAll((forms) => forms.map((f) => (f as HTMLFormElement).method));
    expect(methods.every((m) => m === "post"), `${path}: ${methods.join(", ")}`).toBe(true);
  }
  await page.context().clearCookies();
  for (const path of ["/sign-in", "/sign-up"]) {
    await page.goto(path);
    expect(await page.locator("form").evaluateAll((forms) => forms.map((f) => (f as HTMLFormElement).method))).toEqual(["post"]);
  }
});

test("a form that needs JavaScript, posted anyway, gets a page saying so and changes nothing", async ({ request }) => {
  const res = await request.post("/api/forms/needs-javascript", { form: { name: "x" } });
  expect(res.status()).toBe(400);
  expect(await res.text()).toContain("This form needs JavaScript");
});
