import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveTRPC } from "~/server/api/node";
import { projects } from "~/server/db/schema";
import { handleFormPost } from "~/server/forms/no-script";
import { parseTrustProxy } from "~/server/http/client-address";
import { createFrontDoor } from "~/server/http/front-door";
import { trustedOrigins } from "~/server/security/origin";
import { createTestApp, type TestApp } from "../helpers/app";
import { browserSession, TEST_ORIGIN } from "../helpers/browser-session";
import { nodeListener } from "../helpers/node-http";
import { portraitJpeg } from "../helpers/photos";

/**
 * The production server's own order over real HTTP (src/server/start.ts): the front door, then
 * tRPC ahead of everything else, then the route handlers Next would call (better-auth's, the
 * no-script forms). With better-auth's sign-in limit on, as in production.
 */
let app: TestApp;

async function serve(trustProxy: string | undefined): Promise<{ base: string; server: Server }> {
  const door = createFrontDoor({ trustProxy: parseTrustProxy(trustProxy), trustedOrigins: trustedOrigins(app.env), dev: false });
  const routes = nodeListener({
    "/api/auth": (req) => app.auth.handler(req),
    "/api/forms": (req) => handleFormPost(req, new URL(req.url).pathname.split("/").at(-1)!, { auth: app.auth }),
  });
  const server = createServer((req, res) => {
    if (!door(req, res)) return;
    if (req.url?.startsWith("/api/trpc/")) return void serveTRPC(req, res, async () => app);
    routes(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let plain: { base: string; server: Server };
let behindProxy: { base: string; server: Server };
beforeAll(async () => {
  app = await createTestApp({ AUTH_RATE_LIMIT: "on" });
  plain = await serve(undefined);
  behindProxy = await serve("loopback");
});
afterAll(async () => {
  for (const s of [plain, behindProxy]) {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  }
  await app.close();
});

const signIn = (base: string, email: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: TEST_ORIGIN, ...headers },
    body: JSON.stringify({ email, password }),
  });

describe("headers on every answer", () => {
  it("an API answer: CSP with a fresh nonce, no framing, nosniff, referrer and permissions policies, private no-store", async () => {
    const [a, b] = await Promise.all([fetch(`${plain.base}/api/trpc/system.health`), fetch(`${plain.base}/api/trpc/system.health`)]);
    expect(a.status).toBe(200);
    const nonce = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce(a)).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(nonce(a)).not.toBe(nonce(b));
    expect(Object.fromEntries([...a.headers].filter(([k]) => ["x-frame-options", "x-content-type-options", "referrer-policy", "cache-control"].includes(k)))).toEqual({
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "cache-control": "private, no-store",
    });
    expect(a.headers.get("permissions-policy")).toContain("camera=()");
    expect(a.headers.get("strict-transport-security")).toBeNull();
  });

  it("HSTS only over HTTPS: a trusted proxy's X-Forwarded-Proto counts, anyone else's doesn't", async () => {
    const proto = { "x-forwarded-proto": "https" };
    expect((await fetch(`${behindProxy.base}/api/trpc/system.health`, { headers: proto })).headers.get("strict-transport-security")).toMatch(/^max-age=/);
    expect((await fetch(`${plain.base}/api/trpc/system.health`, { headers: proto })).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("the sign-in limit and the client's address", () => {
  it("3 wrong passwords, then 429 — and a new X-Forwarded-For each time doesn't lift it (TRUST_PROXY off)", async () => {
    const email = `limit-${Date.now()}@example.com`;
    await browserSession(app.auth, email);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await signIn(plain.base, email, "wrong password", { "x-forwarded-for": `198.51.100.${i + 1}`, "x-real-ip": `198.51.100.${i + 1}`, "x-avatar-studio-client-address": `203.0.113.${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
  });

  it("behind a trusted proxy (TRUST_PROXY=loopback) the forwarded address is the client: each gets its own count", async () => {
    const email = `proxy-${Date.now()}@example.com`;
    await browserSession(app.auth, email);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(behindProxy.base, email, "wrong password", { "x-forwarded-for": `192.0.2.${i + 1}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    // …and one client behind it is still limited.
    for (let i = 0; i < 3; i++) statuses.push((await signIn(behindProxy.base, email, "wrong password", { "x-forwarded-for": "192.0.2.1" })).status);
    expect(statuses.slice(4)).toEqual([401, 401, 429]);
  });
});

describe("cross-site requests with the session cookie", () => {
  let cookie = "";
  let userId = "";
  beforeAll(async () => {
    ({ cookie, id: userId } = await browserSession(app.auth, `csrf-${Date.now()}@example.com`));
  });
  const create = (headers: Record<string, string>, name: string) =>
    fetch(`${plain.base}/api/trpc/project.create`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: { name } }),
    });
  const names = async () => (await app.db.select({ name: projects.name }).from(projects).where(eq(projects.userId, userId))).map((p) => p.name);

  it("a mutation from another site (or a sibling subdomain) → 403, and nothing is written", async () => {
    for (const origin of ["https://evil.example", "http://sub.localhost:3000", "null"]) {
      const res = await create({ origin }, `forged from ${origin}`);
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toEqual({ error: { code: "FORBIDDEN", message: "Refused: this request was sent from another site." } });
    }
    expect((await create({ "sec-fetch-site": "cross-site" }, "forged, no origin")).status).toBe(403);
    expect(await names()).toEqual([]);
  });

  it("the same mutation from our own origin works", async () => {
    expect((await create({ origin: TEST_ORIGIN }, "mine")).status).toBe(200);
    expect((await create({ origin: "http://127.0.0.1:3000" }, "mine too")).status).toBe(200);
    expect((await names()).sort()).toEqual(["mine", "mine too"]);
  });

  it("an upload that would spend credits, sent as a cross-site form post → 403, nothing charged", async () => {
    const [project] = await app.db.select().from(projects).where(eq(projects.userId, userId));
    const form = new FormData();
    form.set("projectId", project!.id);
    form.set("name", "Forged");
    form.set("prompt", "anything");
    form.set("photo0", new Blob([new Uint8Array(await portraitJpeg())], { type: "image/jpeg" }), "me.jpg");
    const res = await fetch(`${plain.base}/api/trpc/avatar.generateWithPhotoMaker`, { method: "POST", headers: { cookie, origin: "https://evil.example" }, body: form });
    expect(res.status).toBe(403);
    const balance = await fetch(`${plain.base}/api/trpc/credits.balance`, { headers: { cookie } });
    expect(((await balance.json()) as { result: { data: { json: { balance: number } } } }).result.data.json.balance).toBe(100);
  });

  it("a live subscription opened from another site → 403", async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { projectId: "x" } }));
    const res = await fetch(`${plain.base}/api/trpc/generation.watch?input=${input}`, { headers: { cookie, accept: "text/event-stream", origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });

  it("signing a visitor in from another site (login forgery) → 403, no cookie", async () => {
    const res = await fetch(`${plain.base}/api/forms/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ email: "attacker@example.com", password: "whatever1" }),
      redirect: "manual",
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
