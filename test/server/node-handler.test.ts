import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleTRPCRequest } from "~/server/api/http";
import { serveTRPC } from "~/server/api/node";
import { createProject } from "~/server/projects";
import { createTestApp, type TestApp } from "../helpers/app";
import { browserSession, TEST_ORIGIN as origin } from "../helpers/browser-session";
import { photoForm } from "../helpers/photos";
import { seedAvatars } from "../helpers/seed-avatars";

/**
 * The production server's tRPC (src/server/api/node.ts) over a real socket: the same answers as
 * the Next route's handler, compressed when the client accepts it, cookies, uploads and
 * subscriptions passed through.
 */
let app: TestApp;
let server: Server;
let base = "";
let cookie = "";
let projectId = "";

beforeAll(async () => {
  app = await createTestApp();
  const session = await browserSession(app.auth, "node@example.com", { name: "Node" });
  cookie = session.cookie;
  const userId = session.id;
  projectId = (await createProject(app.db, userId, "Node")).id;
  await seedAvatars(app.db, userId, projectId, 20);
  server = createServer((req, res) => void serveTRPC(req, res, async () => app));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await app.close();
});

const listPath = () => `/api/trpc/avatar.list?input=${encodeURIComponent(JSON.stringify({ json: { projectId } }))}`;

describe("tRPC ahead of Next (src/server/api/node.ts)", () => {
  it("answers what the Next route's handler answers, byte for byte", async () => {
    const direct = await fetch(base + listPath(), { headers: { cookie, "accept-encoding": "identity" } });
    const viaFetch = await handleTRPCRequest(new Request(origin + listPath(), { headers: { cookie } }), app);
    expect(direct.status).toBe(200);
    expect(direct.headers.get("content-encoding")).toBeNull();
    const body = await direct.text();
    expect(body).toBe(await viaFetch.text());
    expect(Number(direct.headers.get("content-length"))).toBe(Buffer.byteLength(body));
    expect(JSON.parse(body).result.data.json.items).toHaveLength(20);
    // How long the server took, request in to body ready (the bench reads it).
    expect(direct.headers.get("server-timing")).toMatch(/^app;dur=\d+\.\d{2}$/);
  });

  it("compresses an answer of 1 KB or more for a client that accepts gzip, and says so", async () => {
    const res = await fetch(base + listPath(), { headers: { cookie, "accept-encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toMatch(/accept-encoding/);
    const plain = await (await fetch(base + listPath(), { headers: { cookie, "accept-encoding": "identity" } })).text();
    expect(Number(res.headers.get("content-length"))).toBeLessThan(Buffer.byteLength(plain) / 3);
    expect(await res.text()).toBe(plain); // fetch inflates it
  });

  it("leaves small answers and clients that refuse gzip uncompressed", async () => {
    const small = await fetch(`${base}/api/trpc/system.health`, { headers: { "accept-encoding": "gzip" } });
    expect(small.status).toBe(200);
    expect(small.headers.get("content-encoding")).toBeNull();
    const refused = await fetch(base + listPath(), { headers: { cookie, "accept-encoding": "gzip;q=0, identity" } });
    expect(refused.headers.get("content-encoding")).toBeNull();
  });

  it("passes on the renewed session cookie when the session came from the database", async () => {
    const tokenOnly = cookie.split("; ").filter((c) => c.includes("session_token")).join("; ");
    const res = await fetch(base + listPath(), { headers: { cookie: tokenOnly } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.includes("session_data="))).toBe(true);
  });

  it("answers UNAUTHORIZED without a session and NOT_FOUND for an unknown procedure, as JSON", async () => {
    const anonymous = await fetch(base + listPath());
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { json: { data: { code: string } } } }).error.json.data.code).toBe("UNAUTHORIZED");
    const unknown = await fetch(`${base}/api/trpc/no.such.procedure`);
    expect(unknown.status).toBe(404);
  });

  it("reads multipart uploads: an empty photo is refused by name", async () => {
    const form = photoForm({ projectId, name: "x", prompt: "portrait", gender: "woman" }, [{ bytes: Buffer.alloc(0), name: "empty.jpg" }]);
    const res = await fetch(`${base}/api/trpc/avatar.generateWithPhotoMaker`, { method: "POST", headers: { cookie }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { json: { message: string } } }).error.json.message).toMatch(/photo 1/i);
  });

  it("answers 500 rather than hanging when the server fails around tRPC", async () => {
    const broken = createServer((req, res) => void serveTRPC(req, res, () => Promise.reject(new Error("no database"))));
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(broken.address() as AddressInfo).port}/api/trpc/system.health`);
      expect(res.status).toBe(500);
    } finally {
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it("streams a subscription as server-sent events until the client goes away", async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { projectId } }));
    const controller = new AbortController();
    const res = await fetch(`${base}/api/trpc/generation.watch?input=${input}`, { headers: { cookie }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("content-encoding")).toBeNull();
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^(event|data|id|:)/m); // the stream has begun (tRPC's connected event)
    controller.abort();
  });
});
