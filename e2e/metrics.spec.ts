import { expect, test } from "./support/test";
import { createProject, signInAdmin, signUp, trpcQuery, trpcQueryStatus } from "./support/app";
import { baseUrl } from "./support/env";
import { jpeg, noFace } from "./support/photos";
import { StudioPage } from "./support/studio";

/** Metrics: everyone's numbers are for administrators only. */

test("an administrator sees every user's numbers; anyone else only their own", async ({ page, browser }) => {
  // A user with one finished generation, so "all users" has something in it.
  await signUp(page, baseUrl, "measured");
  const studio = new StudioPage(page);
  const projectId = await createProject(page, baseUrl, "Measured");
  await studio.open(projectId);
  await studio.addPhotos(await jpeg("me.jpg"), await jpeg("me2.jpg", 2));
  await studio.describe({ name: "Counted", prompt: "in a studio" });
  await studio.submit();
  await studio.waitDone("Counted");

  await page.getByRole("link", { name: "Metrics", exact: true }).click();
  await expect(page.getByTestId("metrics-mine").getByTestId("stat-generations")).toHaveText("1");
  await expect(page.getByTestId("metrics-engine")).toContainText("Images are made by Offline preview on this server (offline-preview).");
  await expect(page.getByTestId("metrics-mine").getByTestId("photos-2").getByTestId("count")).toHaveText("1");
  await expect(page.getByTestId("metrics-all")).toHaveCount(0);
  expect(await trpcQueryStatus(page.request, baseUrl, "metrics.all", {})).toBe(403);

  // The face check's numbers: this user's one avatar, its likeness as the average for Offline · Basic.
  const {
    items: [avatar],
  } = await trpcQuery<{ items: Array<{ likeness: number }> }>(page.request, baseUrl, "avatar.list", { projectId });
  const myFaces = page.getByTestId("metrics-mine-faces");
  await expect(myFaces.getByRole("heading", { name: "Face check (all time)" })).toBeVisible();
  const row = myFaces.getByTestId("likeness-offline-basic");
  await expect(row.getByTestId("avatars")).toHaveText("1");
  await expect(row.getByTestId("average")).toHaveText(String(avatar!.likeness));
  await expect(myFaces.getByTestId("face-warnings").getByTestId("reason-small_face").getByTestId("count")).toHaveText("0");
  // Refusals leave no trace of whose they were: counted for everyone only.
  await expect(myFaces.getByTestId("face-refusals")).toContainText("only counted across all users");

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAdmin(admin, baseUrl);
  await admin.goto("/metrics");
  const all = admin.getByTestId("metrics-all");
  await expect(all.getByRole("heading", { name: "All users (admin)" })).toBeVisible();
  await expect(all.getByTestId("stat-generations")).not.toHaveText("0");
  expect(Number(await all.getByTestId("stat-users").textContent())).toBeGreaterThanOrEqual(1);
  await expect(all.getByTestId("stat-success-rate")).toHaveText(/%$/);
  await admin.getByLabel("Period").selectOption("all");
  await expect(all.getByTestId("stat-generations")).not.toHaveText("0");

  // A photo without a face refused in the user's studio shows up, by reason, in everyone's numbers.
  const noFaceCount = all.getByTestId("metrics-all-faces").getByTestId("reason-no_face").getByTestId("count");
  await expect(noFaceCount).toHaveText(/^\d+$/);
  const before = Number(await noFaceCount.textContent());
  await studio.open(projectId);
  await studio.addPhotos(await noFace("empty-room.jpg"));
  await studio.describe({ name: "Refused", prompt: "in a studio" });
  await studio.submit();
  await expect(studio.previews().nth(0).getByRole("alert")).toHaveText("We couldn't find a face in photo 1 (empty-room.jpg)");
  await admin.reload();
  await admin.getByLabel("Period").selectOption("all");
  await expect(noFaceCount).toHaveText(String(before + 1));
  await expect(all.getByTestId("metrics-all-faces").getByTestId("likeness-offline-basic").getByTestId("avatars")).not.toHaveText("0");
  await adminContext.close();
});
