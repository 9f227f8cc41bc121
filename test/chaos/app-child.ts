/**
 * A whole app in one process, for the SIGKILL chaos test: file-backed PGlite (PGLITE_DIR),
 * better-auth, tRPC over HTTP, the SDK's serve() handler with the real generate-avatar function,
 * the Hugging Face engine pointed at the parent's fake server, and the local executor.
 * Env: PGLITE_DIR, STORAGE_DIR, PORT, EXECUTOR_PORT, FAKE_HF_URL, TIME_SCALE, HANG_TIMEOUT_MS.
 * Prints one JSON line {ready: true, url} when serving; SIGTERM stops it cleanly.
 */
import { createServer } from "node:http";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { createLocalExecutor } from "~/executor";
import { handleTRPCRequest } from "~/server/api/http";
import { createAuth } from "~/server/auth";
import { migrateDatabase, openDatabase } from "~/server/db/client";
import { seedModels } from "~/server/db/seed";
import { createEngine } from "~/server/engines";
import { parseEnv } from "~/server/env";
import type { StartDeps } from "~/server/generations/store";
import { resendUnstartedGenerations } from "~/server/generations/sweeper";
import { generationRequested } from "~/server/jobs/events";
import { createGenerateAvatar } from "~/server/jobs/generate-avatar";
import { logger } from "~/server/logger";
import { createStorage } from "~/server/storage";
import { nodeListener } from "../helpers/node-http";

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`app-child needs ${name}`);
  return value;
};
const quiet = { info() {}, warn() {}, error: (...a: unknown[]) => console.error("[executor]", ...a), debug() {} };

const handle = await openDatabase({ pgliteDir: need("PGLITE_DIR") });
await migrateDatabase(handle);
await seedModels(handle.db);
const { db } = handle;
const port = Number(need("PORT"));
const env = parseEnv({
  NODE_ENV: "test",
  PORT: String(port),
  BETTER_AUTH_SECRET: "chaos-secret-chaos-secret-chaos-secret-01",
  BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
  ADMIN_EMAILS: "admin@chaos.test",
  STORAGE_DIR: need("STORAGE_DIR"),
  GENERATION_ENGINE: "huggingface",
  HUGGINGFACE_API_KEY: "hf_chaos",
  PHOTOMAKER_ENDPOINT_URL: `${need("FAKE_HF_URL")}/photomaker`,
  HUGGINGFACE_HOSTS_OVERRIDE: need("FAKE_HF_URL"),
  FACE_CHECK: "off",
});
const auth = createAuth(db, env);
const storage = createStorage(env);
const engine = createEngine(env, { timeoutMs: Number(process.env.HANG_TIMEOUT_MS ?? 300) });
const executorUrl = `http://127.0.0.1:${need("EXECUTOR_PORT")}`;
const inngest = new Inngest({ id: "avatar-studio", isDev: true, baseUrl: executorUrl, logger: quiet });
const fn = createGenerateAvatar(inngest, async () => ({ db, storage, engine, logger }), { concurrency: 4 });
const jobs: StartDeps = {
  db,
  storage,
  sendEvent: async (g) => {
    await inngest.send(generationRequested(g));
  },
};
const inngestHandler = serve({ client: inngest, functions: [fn] });
const appRoutes = nodeListener({
  "/api/trpc": (req) => handleTRPCRequest(req, { db, env, auth, jobs }),
  "/api/auth": (req) => auth.handler(req),
});
const server = createServer((req, res) => ((req.url ?? "").startsWith("/api/inngest") ? inngestHandler(req, res) : appRoutes(req, res)));
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

const executor = createLocalExecutor({
  db,
  serveUrl: `http://127.0.0.1:${port}/api/inngest`,
  port: Number(need("EXECUTOR_PORT")),
  timeScale: Number(process.env.TIME_SCALE ?? 0.002),
  pollIntervalMs: 50,
  logger: quiet,
});
await executor.start();
// As src/server/start.ts does: a kill between a charge and its event must not strand the run.
await resendUnstartedGenerations(jobs, { olderThanMs: 0 });
console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, pid: process.pid }));

process.on("SIGTERM", () => {
  void (async () => {
    await executor.stop();
    server.closeAllConnections();
    server.close();
    await handle.close();
    process.exit(0);
  })();
});
