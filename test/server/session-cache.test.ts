import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handleTRPCRequest } from "~/server/api/http";
import { SESSION_CACHE_SECONDS } from "~/server/auth";
import { session } from "~/server/db/schema";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import { browserSession, TEST_ORIGIN as origin } from "../helpers/browser-session";

/**
 * better-auth's cookie cache (session_data): what it may answer from the cookie, and what it must
 * not — a plan change shows at once, and a revoked session can't administer or mint a token.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** A browser's sign-up (or, with `signIn`, sign-in) over HTTP: its cookies and user id. */
async function signUpOverHttp(email: string, signIn = false) {
  const { cookies, cookie, id } = await browserSession(app.auth, email, { signIn, name: "Cached" });
  // The cache is really in use: sign-up hands out the cached session with the token.
  expect(cookies.some((c) => c.startsWith("better-auth.session_data="))).toBe(true);
  return { cookie, id };
}

const QUERIES = new Set(["project.list", "models.list", "credits.balance"]);

async function trpc(cookie: string, path: string, input: unknown, body?: FormData) {
  const url = `${origin}/api/trpc/${path}`;
  const req = body
    ? new Request(url, { method: "POST", headers: { cookie }, body })
    : QUERIES.has(path)
      ? new Request(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } })
      : new Request(url, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ json: input }) });
  const res = await handleTRPCRequest(req, app);
  const json = (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string; data: { code: string; field: string | null } } } };
  return { status: res.status, data: json.result?.data.json, error: json.error?.json, setCookie: res.headers.getSetCookie() };
}

function enterpriseRequest(projectId: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ projectId, name: "Plan check", prompt: "portrait", tier: "enterprise" })) form.set(k, v);
  // Not an image: the request stops at the photo check, after the tier check and before any charge.
  form.set("photo0", new File([new TextEncoder().encode("<svg></svg>")], "me.jpg", { type: "image/jpeg" }));
  return form;
}

describe("session cookie cache", () => {
  it("an admin's plan change takes effect at once for the tier check, though the cached user still says free", async () => {
    const u = await signUpOverHttp("plan-change@example.com");
    const project = (await trpc(u.cookie, "project.create", { name: "Plans" })).data as { id: string };

    const before = await trpc(u.cookie, "avatar.generateWithPhotoMaker", null, enterpriseRequest(project.id));
    expect(before.error?.data).toMatchObject({ code: "BAD_REQUEST", field: "tier" });
    expect(before.error?.message).toBe("Your free plan doesn't include the enterprise tier");

    const admin = await app.signUpAdmin();
    await admin.caller.admin.setPlan({ email: "plan-change@example.com", plan: "enterprise" });

    // The cookie still carries the old user (the cache is stale by design)…
    const cached = await app.auth.api.getSession({ headers: new Headers({ cookie: u.cookie }) });
    expect((cached?.user as { plan?: string } | undefined)?.plan).toBe("free");
    // …but what the plan decides is read from the database.
    const models = (await trpc(u.cookie, "models.list", {})).data as { plan: string; tiers: Array<{ tier: string; available: boolean }> };
    expect(models.plan).toBe("enterprise");
    expect(models.tiers.every((t) => t.available)).toBe(true);
    const after = await trpc(u.cookie, "avatar.generateWithPhotoMaker", null, enterpriseRequest(project.id));
    expect(after.error?.data).toMatchObject({ code: "BAD_REQUEST", field: "photo0" });
    expect((await trpc(u.cookie, "credits.balance", {})).data).toEqual({ balance: 100 });
  });

  it("a revoked session may still read within the cache's minute, but not administer or mint an API token", async () => {
    await app.signUpAdmin();
    const adminHttp = await signUpOverHttp(ADMIN_EMAIL, true);
    const ok = await trpc(adminHttp.cookie, "admin.grantCredits", { email: ADMIN_EMAIL, amount: 5 });
    expect(ok.status).toBe(200);
    expect((await trpc(adminHttp.cookie, "apiToken.create", { name: "before" })).status).toBe(200);

    await app.db.delete(session).where(eq(session.userId, adminHttp.id));

    expect((await trpc(adminHttp.cookie, "project.list", {})).status).toBe(200); // the documented trade-off
    for (const [path, input] of [
      ["admin.grantCredits", { email: ADMIN_EMAIL, amount: 5 }],
      ["admin.setPlan", { email: ADMIN_EMAIL, plan: "enterprise" }],
      ["apiToken.create", { name: "after" }],
    ] as const) {
      const res = await trpc(adminHttp.cookie, path, input);
      expect(res.status, path).toBe(401);
      expect(res.error?.data.code).toBe("UNAUTHORIZED");
    }
    expect((await app.signUpAdmin().then((a) => a.caller.credits.balance())).balance).toBe(105);
  });

  it("refuses a revoked session once its cache cookie has expired (SESSION_CACHE_SECONDS), even after many cached answers", async () => {
    const u = await signUpOverHttp("expire@example.com");
    for (let i = 0; i < 3; i++) expect((await trpc(u.cookie, "project.list", {})).status).toBe(200);
    await app.db.delete(session).where(eq(session.userId, u.id));
    expect((await trpc(u.cookie, "project.list", {})).status).toBe(200); // within the minute
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + (SESSION_CACHE_SECONDS + 1) * 1000);
    try {
      const res = await trpc(u.cookie, "project.list", {});
      expect(res.status).toBe(401);
      expect(res.error?.data.code).toBe("UNAUTHORIZED");
    } finally {
      clock.mockRestore();
    }
  });

  it("renews the cache cookie from a tRPC response when the request came without it", async () => {
    const u = await signUpOverHttp("renew@example.com");
    const tokenOnly = u.cookie.split("; ").filter((c) => !c.startsWith("better-auth.session_data=")).join("; ");
    const res = await trpc(tokenOnly, "project.list", {});
    expect(res.status).toBe(200);
    expect(res.setCookie.some((c) => c.startsWith("better-auth.session_data="))).toBe(true);
  });
});
