import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";

const password = "correct horse battery";
/** Our alerts (Next.js keeps an empty route announcer with role=alert on every page). */
const alert = (page: Page, text: string) => page.getByRole("alert").filter({ hasText: text });
const uniqueEmail = (tag: string) => `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@e2e.test`;

test("sign up, create a project, see the balance, sign out and back in", async ({ page }) => {
  const email = uniqueEmail("person");
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByRole("link", { name: "Create an account" }).click();

  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByTestId("credit-balance")).toHaveText("100 credits");

  await page.getByLabel("New project").fill("LinkedIn headshots");
  await page.getByRole("button", { name: "Create project" }).click();
  const card = page.getByTestId("project-card").filter({ hasText: "LinkedIn headshots" });
  await expect(card).toBeVisible();
  await expect(card).toContainText("0 avatars");

  await card.getByRole("button", { name: "Rename LinkedIn headshots" }).click();
  await page.getByLabel("Project name").fill("Team page");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("project-card").filter({ hasText: "Team page" })).toBeVisible();

  await page.reload();
  await expect(page.getByTestId("project-card").filter({ hasText: "Team page" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByTestId("project-card").filter({ hasText: "Team page" })).toBeVisible();
});

test("deleting a project asks first", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(uniqueEmail("deleter"));
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByLabel("New project").fill("Throwaway");
  await page.getByRole("button", { name: "Create project" }).click();

  await page.getByRole("button", { name: "Delete Throwaway" }).click();
  await page.getByRole("button", { name: "Keep it" }).click();
  await expect(page.getByTestId("project-card")).toHaveCount(1);

  await page.getByRole("button", { name: "Delete Throwaway" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByText("No projects yet")).toBeVisible();
});

test("a wrong password and an empty project name get clear messages", async ({ page }) => {
  const email = uniqueEmail("careful");
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);

  await page.getByRole("button", { name: "Create project" }).click();
  await expect(alert(page, "name: Please give the project a name")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alert(page, "That email and password don't match an account.")).toBeVisible();

  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(alert(page, "An account with this email already exists")).toBeVisible();
});
