import { request as playwrightRequest, expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { E2E } from "./env";

/**
 * Test set-up through the app's own HTTP API (the UI path of signing up is covered by
 * foundation.spec.ts): accounts, projects, admin actions, and tRPC calls with superjson.
 */

export const PASSWORD = "correct horse battery";

export const uniqueEmail = (tag: string) => `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@e2e.test`;

/** Signs up through better-auth's endpoint; the session cookie lands in `api`'s cookie jar. */
export async function signUpVia(api: APIRequestContext, baseURL: string, email = uniqueEmail("user")) {
  const res = await api.post(`${baseURL}/api/auth/sign-up/email`, {
    data: { email, password: PASSWORD, name: email.split("@")[0] },
    headers: { origin: baseURL },
  });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as { user: { id: string } };
  return { email, id: body.user.id };
}

/** A fresh user signed in in this page's browser context. */
export async function signUp(page: Page, baseURL: string, tag = "user") {
  return signUpVia(page.request, baseURL, uniqueEmail(tag));
}

export async function trpcMutation<T = unknown>(api: APIRequestContext, baseURL: string, path: string, input: unknown): Promise<T> {
  const res = await api.post(`${baseURL}/api/trpc/${path}`, { data: { json: input }, headers: { origin: baseURL } });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!res.ok() || !body.result) throw new Error(`${path}: ${res.status()} ${body.error?.json.message ?? ""}`);
  return body.result.data.json;
}

export async function trpcQuery<T = unknown>(api: APIRequestContext, baseURL: string, path: string, input: unknown = {}): Promise<T> {
  const res = await api.get(`${baseURL}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!res.ok() || !body.result) throw new Error(`${path}: ${res.status()} ${body.error?.json.message ?? ""}`);
  return body.result.data.json;
}

export async function trpcQueryStatus(api: APIRequestContext, baseURL: string, path: string, input: unknown = {}) {
  const res = await api.get(`${baseURL}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  return res.status();
}

export async function createProject(page: Page, baseURL: string, name: string): Promise<string> {
  const project = await trpcMutation<{ id: string }>(page.request, baseURL, "project.create", { name });
  return project.id;
}

/**
 * Runs admin actions from a separate cookie jar, signed in as the ADMIN_EMAILS account (signed up
 * on first use in each app process).
 */
export async function asAdmin<T>(baseURL: string, action: (api: APIRequestContext) => Promise<T>): Promise<T> {
  const api = await playwrightRequest.newContext();
  try {
    const signIn = await api.post(`${baseURL}/api/auth/sign-in/email`, {
      data: { email: E2E.adminEmail, password: PASSWORD },
      headers: { origin: baseURL },
    });
    if (!signIn.ok()) await signUpVia(api, baseURL, E2E.adminEmail);
    return await action(api);
  } finally {
    await api.dispose();
  }
}

export async function signInAdmin(page: Page, baseURL: string) {
  const signIn = await page.request.post(`${baseURL}/api/auth/sign-in/email`, {
    data: { email: E2E.adminEmail, password: PASSWORD },
    headers: { origin: baseURL },
  });
  if (!signIn.ok()) await signUpVia(page.request, baseURL, E2E.adminEmail);
}

/** A screenshot kept with the test's results (attached, and a file under its output folder). */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Nothing wider than the screen: the layout holds at phone width. */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}
