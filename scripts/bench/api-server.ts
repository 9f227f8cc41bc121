/**
 * The API benchmark's server, in a process of its own (so the load tool does not share its event
 * loop): one node:http server with two fetch-style handlers (the shape of Next.js route handlers):
 *   /api/trpc/*   the app's real tRPC handler (better-auth session, ownership check, drizzle
 *                 query of 200 avatars joined to their generations, superjson), as in src/app
 *   /bare/avatars a bare handler answering the same JSON (data already in memory, Response.json)
 * Seeds one user with a project of 200 avatars, then prints one JSON line {url, cookie, projectId}.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { handleTRPCRequest } from "../../src/server/api/http";
import { createAuth } from "../../src/server/auth";
import { migrateDatabase, openDatabase } from "../../src/server/db/client";
import { avatars, generations } from "../../src/server/db/schema";
import { seedModels } from "../../src/server/db/seed";
import { parseEnv } from "../../src/server/env";
import { buildSettings } from "../../src/server/generations/submit";
import { createProject } from "../../src/server/projects";
import { createLocalStorage } from "../../src/server/storage";
import { TIER_MODELS } from "../../src/server/tiers";
import { nodeListener } from "../../test/helpers/node-http";

const AVATARS = 200;

async function database() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({ pgliteDir: "memory://" });
  const name = `bench_api_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // Dropped by the parent (this process is killed at the end).
  console.error(`[api-server] scratch database ${name}`);
  return openDatabase({ databaseUrl: url.toString(), maxConnections: 10 });
}

const handle = await database();
await migrateDatabase(handle);
await seedModels(handle.db);
const { db } = handle;
const storageDir = mkdtempSync(path.join(tmpdir(), "bench-api-"));
const env = parseEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00", STORAGE_DIR: storageDir, PORT: "3000" });
const auth = createAuth(db, env);
const deps = {
  db,
  env,
  auth,
  jobs: { db, storage: createLocalStorage(storageDir), sendEvent: async () => {} },
};

// A real sign-up through better-auth's HTTP handler, for a real session cookie.
const signUp = await auth.handler(
  new Request("http://localhost:3000/api/auth/sign-up/email", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    body: JSON.stringify({ email: "bench@example.com", password: "bench password 1", name: "Bench" }),
  }),
);
const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
const project = await createProject(db, userId, "Two hundred");

// 200 finished generations with their avatars, as the workflow leaves them.
const model = TIER_MODELS.basic;
const rows = Array.from({ length: AVATARS }, (_, i) => {
  const id = randomUUID();
  const settings = buildSettings({ name: `Avatar ${i}`, prompt: "studio portrait, soft light", gender: "woman", seed: i }, "basic");
  const at = new Date(Date.now() - (AVATARS - i) * 60_000);
  return {
    generation: {
      id, userId, projectId: project.id, modelKey: model.key, tier: "basic" as const, status: "succeeded" as const,
      stage: "succeeded" as const, creditCost: model.creditCost, idempotencyKey: `seed-${i}`, photoCount: 1, engine: "photomaker" as const,
      settings: settings as unknown as Record<string, unknown>, createdAt: at, startedAt: at, completedAt: new Date(at.getTime() + 40_000),
      attempts: [{ engine: "photomaker" as const, attempt: 1, startedAt: at.toISOString(), durationMs: 38_000, errorCode: null, retryDelayMs: null }],
    },
    avatar: {
      id: randomUUID(), generationId: id, userId, projectId: project.id, imageKey: `avatars/${userId}/${i}/full.png`,
      thumbnailKey: `avatars/${userId}/${i}/thumb.webp`, width: 512, height: 512, engine: "photomaker" as const,
      model: "TencentARC/PhotoMaker-V2", createdAt: new Date(at.getTime() + 40_000),
    },
  };
});
await db.insert(generations).values(rows.map((r) => r.generation));
await db.insert(avatars).values(rows.map((r) => r.avatar));

const trpc = (req: Request) => handleTRPCRequest(req, deps);
const listPath = `/api/trpc/avatar.list?input=${encodeURIComponent(JSON.stringify({ json: { projectId: project.id } }))}`;

// The same JSON, byte for byte: what the tRPC handler answers, held in memory.
const first = await trpc(new Request(`http://127.0.0.1${listPath}`, { headers: { cookie } }));
if (first.status !== 200) throw new Error(`avatar.list answered ${first.status}: ${await first.text()}`);
const sameJson = (await first.json()) as { result: { data: { json: unknown[] } } };
if (sameJson.result.data.json.length !== AVATARS) throw new Error("expected 200 avatars");

const server = createServer(
  nodeListener({
    "/api/trpc": trpc,
    "/bare/avatars": () => Response.json(sameJson),
  }),
);
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(JSON.stringify({ url, cookie, trpcPath: listPath, barePath: "/bare/avatars", bytes: JSON.stringify(sameJson).length, database: handle.kind }));
