import { expect, test } from "./support/test";
import { signUpVia, trpcMutation, trpcQuery } from "./support/app";
import { jpeg } from "./support/photos";

/**
 * Against the production server (`npm start`): the security headers on a page, an API answer and
 * an image; cross-site cookie posts refused with nothing written; and the CSP guard every e2e
 * test runs under (e2e/support/test.ts) hearing a violation.
 */
const SECURITY_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};

function expectSecurityHeaders(headers: Record<string, string>, what: string) {
  expect(headers, what).toMatchObject(SECURITY_HEADERS);
  expect(headers["content-security-policy"], what).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'; .*frame-ancestors 'none'/);
  expect(headers["permissions-policy"], what).toMatch(/camera=\(\)/);
}

test("a page, an API answer and an image carry the security headers; per-user answers aren't cached by shared caches", async ({ page, baseURL }) => {
  const request = page.request; // the browser's own cookie jar, so the page below is signed in
  const signInPage = await request.get("/sign-in");
  expectSecurityHeaders(signInPage.headers(), "page");
  // Next put this request's nonce on its scripts.
  const nonce = /'nonce-([^']+)'/.exec(signInPage.headers()["content-security-policy"]!)![1]!;
  expect(await signInPage.text()).toContain(`nonce="${nonce}"`);

  await signUpVia(request, baseURL!);
  const api = await request.get(`/api/trpc/credits.balance?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
  expectSecurityHeaders(api.headers(), "API");
  expect(api.headers()["cache-control"]).toBe("private, no-store");

  const { id: projectId } = await trpcMutation<{ id: string }>(request, baseURL!, "project.create", { name: "Headers" });
  const { token } = await trpcMutation<{ token: string }>(request, baseURL!, "apiToken.create", { name: "headers" });
  const bearer = { authorization: `Bearer ${token}` };
  const made = await request.post(`/api/avatar-creator/projects/${projectId}/avatars/generate-with-photo`, {
    headers: bearer,
    multipart: { photo0: await jpeg("me.jpg"), name: "Headers", prompt: "a portrait" },
  });
  expect(made.status()).toBe(201);
  const { statusUrl } = (await made.json()) as { statusUrl: string };
  let avatar: { id: string } | undefined;
  await expect
    .poll(async () => {
      const { generation } = (await (await request.get(statusUrl, { headers: bearer })).json()) as { generation: { status: string; avatars?: Array<{ id: string }> } };
      avatar = generation.avatars?.[0];
      return generation.status;
    }, { timeout: 45_000 })
    .toBe("succeeded");
  const image = await request.get(`/api/images/${avatar!.id}?size=thumb`);
  expect(image.status()).toBe(200);
  expectSecurityHeaders(image.headers(), "image");
  expect(image.headers()["cache-control"]).toBe("private, max-age=31536000, immutable");

  // And in the browser the studio works under that policy (the guard fails the test otherwise).
  await page.goto(`/projects/${projectId}`);
  await expect(page.getByTestId("live-indicator")).toHaveText("● live");
  await expect(page.getByTestId("avatar-tile")).toHaveCount(1);
});

test("a cross-site POST with the user's cookie is refused and writes nothing; from our origin it works", async ({ request, baseURL }) => {
  await signUpVia(request, baseURL!);
  const forged = await request.post("/api/trpc/project.create", { data: { json: { name: "Forged" } }, headers: { origin: "https://evil.example" } });
  expect(forged.status()).toBe(403);
  const multipart = await request.post("/api/trpc/avatar.generateWithPhotoMaker", {
    headers: { origin: "https://evil.example" },
    multipart: { projectId: "x", name: "Forged", prompt: "x", photo0: await jpeg("me.jpg") },
  });
  expect(multipart.status()).toBe(403);
  expect(await trpcQuery(request, baseURL!, "project.list")).toEqual([]);
  expect(await trpcQuery(request, baseURL!, "credits.balance")).toEqual({ balance: 100 });

  await trpcMutation(request, baseURL!, "project.create", { name: "Mine" });
  expect(await trpcQuery<Array<{ name: string }>>(request, baseURL!, "project.list")).toEqual([expect.objectContaining({ name: "Mine" })]);
});

test("the studio can't be framed by another page", async ({ page }) => {
  const res = await page.request.get("/sign-in");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test.describe("the CSP guard every e2e test runs under", () => {
  test.use({ allowCspViolations: true });
  test("hears the browser block injected markup's inline script", async ({ page, cspViolations }) => {
    await page.goto("/sign-in");
    expect(cspViolations).toEqual([]);
    // The classic injection: markup with an inline handler. No nonce, so it must not run.
    await page.evaluate(() => {
      const box = document.createElement("div");
      box.innerHTML = `<img src="/missing.png" onerror="window.__injected = true">`;
      document.body.append(box);
    });
    await expect.poll(() => cspViolations.length).toBe(1);
    expect(cspViolations[0]).toMatch(/script-src/);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected ?? false)).toBe(false);
  });
});
