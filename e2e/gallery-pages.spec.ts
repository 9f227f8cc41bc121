import { asAdmin, createProject, signUp, trpcMutation, trpcQuery } from "./support/app";
import { baseUrl } from "./support/env";
import { jpeg } from "./support/photos";
import { StudioPage } from "./support/studio";
import { expect, test } from "./support/test";

/**
 * A gallery longer than a page (avatar.list pages of 48, src/components/gallery/Gallery.tsx):
 * 52 real avatars from 13 batches of 4 variations on the offline engine. The first page shows
 * 48; scrolling to the end of the grid loads the rest without a click.
 */

const BATCHES = 13;
const PER_BATCH = 4;
const PAGE = 48;

test("52 avatars: the first page shows 48, scrolling to the end loads the other 4 without a click", async ({ page }) => {
  test.setTimeout(300_000);
  const user = await signUp(page, baseUrl, "many");
  const projectId = await createProject(page, baseUrl, "Many");
  await asAdmin(baseUrl, (api) => trpcMutation(api, baseUrl, "admin.grantCredits", { email: user.email, amount: 900, reason: "gallery paging test" }));

  const photo = await jpeg("me.jpg", 5);
  for (let n = 1; n <= BATCHES; n++) {
    // The studio's own request (FormData), sent from the test: 13 submissions through the form would only be slower.
    const res = await page.request.post(`${baseUrl}/api/trpc/avatar.generateWithPhotoMaker`, {
      multipart: { projectId, name: `Look ${n}`, prompt: "studio portrait, soft light", variations: String(PER_BATCH), photo0: photo },
      headers: { origin: baseUrl },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  const total = BATCHES * PER_BATCH;
  await expect
    .poll(async () => (await trpcQuery<{ items: unknown[] }>(page.request, baseUrl, "avatar.list", { projectId, limit: 100 })).items.length, {
      timeout: 240_000,
      intervals: [2_000],
    })
    .toBe(total);

  const studio = new StudioPage(page);
  await studio.open(projectId);
  const gallery = page.getByRole("region", { name: /^Gallery/ });
  const heading = gallery.getByRole("heading", { name: /^Gallery/ });
  const openLook = (n: number) => studio.tiles().getByRole("button", { name: `Open Look ${n}`, exact: true });
  await expect(heading).toHaveText(`Gallery (${PAGE}+)`);
  await expect(studio.tiles()).toHaveCount(PAGE);
  // Newest first: the last batch submitted is at the top, the first one is on the next page.
  await expect(studio.tiles().first().getByRole("button")).toHaveAccessibleName(`Open Look ${BATCHES}`);
  await expect(openLook(1)).toHaveCount(0);

  // Scrolling, not clicking: the end of the grid coming into view loads the next page.
  const loadMore = gallery.getByRole("button", { name: "Load more" });
  await expect(loadMore).toBeAttached();
  await studio.tiles().last().scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 2_000);
  await expect(studio.tiles()).toHaveCount(total);
  await expect(heading).toHaveText(`Gallery (${total})`);
  await expect(openLook(1)).toHaveCount(PER_BATCH);
  await expect(loadMore).toHaveCount(0);
});
