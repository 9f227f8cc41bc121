import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { createLocalExecutor, type LocalExecutor } from "~/executor";
import { createCaller } from "~/server/api/root";
import type { Context } from "~/server/api/trpc";
import { createAuth, type Auth } from "~/server/auth";
import type { DatabaseHandle } from "~/server/db/client";
import { seedModels } from "~/server/db/seed";
import { listenForGenerationChanges } from "~/server/generations/live";
import { watchProjectAvatars } from "~/server/generations/tiles";
import { createEngine } from "~/server/engines";
import type { Engine } from "~/server/engines/types";
import { parseEnv, type Env } from "~/server/env";
import type { StartDeps } from "~/server/generations/store";
import type { WorkflowDeps } from "~/server/generations/work";
import { generationCancelled, generationRequested } from "~/server/jobs/events";
import { executorRunsReader } from "~/server/jobs/runs";
import { createGenerateAvatar } from "~/server/jobs/generate-avatar";
import { logger } from "~/server/logger";
import { createStorage, type Storage } from "~/server/storage";
import { freshDatabase } from "./db";
import { freePort } from "./net";

export { freePort };

/**
 * A real app for one test file: a fresh migrated, seeded database, real better-auth, tRPC
 * callers acting as real signed-up users, and (with `jobs`) the real generate-avatar function
 * served by the SDK's serve() over HTTP and driven by the real local executor.
 */
export interface TestApp {
  handle: DatabaseHandle & { url?: string };
  db: DatabaseHandle["db"];
  env: Env;
  auth: Auth;
  storage: Storage;
  storageDir: string;
  jobs: StartDeps;
  executor: LocalExecutor | null;
  signUp(email?: string): Promise<TestUser>;
  /** Signs up (once) the admin named in ADMIN_EMAILS. */
  signUpAdmin(): Promise<TestUser>;
  anonymous: ReturnType<typeof createCaller>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  email: string;
  caller: ReturnType<typeof createCaller>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Start the executor and serve generate-avatar with this engine (default: from env). */
  jobs?: boolean | { engine?: Engine; concurrency?: number; timeScale?: number };
  /** PGlite even when DATABASE_URL names a server (for what only the embedded database does). */
  embedded?: boolean;
  /** The embedded database in its own thread, as `npm start` runs it (implies embedded). */
  pgliteThread?: boolean;
}

let counter = 0;
export const ADMIN_EMAIL = "admin@example.com";

export async function createTestApp(options: TestAppOptions | Record<string, string> = {}): Promise<TestApp> {
  const opts: TestAppOptions = "env" in options || "jobs" in options || "embedded" in options || "pgliteThread" in options ? (options as TestAppOptions) : { env: options as Record<string, string> };
  const handle = await freshDatabase({ embedded: opts.embedded, pgliteThread: opts.pgliteThread });
  await seedModels(handle.db);
  await watchProjectAvatars(handle); // as the app's services do (PGlite only)
  await listenForGenerationChanges(handle); // as the app's services do
  const storageDir = mkdtempSync(path.join(tmpdir(), "avatar-storage-"));
  const env = parseEnv({
    NODE_ENV: "test",
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    ADMIN_EMAILS: ADMIN_EMAIL,
    GENERATION_ENGINE: "offline",
    STORAGE_DIR: storageDir,
    ...opts.env,
  });
  const auth = createAuth(handle.db, env);
  const storage = createStorage(env);

  let executor: LocalExecutor | null = null;
  let appServer: Server | null = null;
  let sendEvent: StartDeps["sendEvent"] = async () => {
    throw new Error("This test app has no executor: create it with { jobs: true }");
  };
  let control: Pick<StartDeps, "sendCancel" | "runs"> = {};
  if (opts.jobs) {
    const jobOpts = typeof opts.jobs === "object" ? opts.jobs : {};
    const workflow: WorkflowDeps = { db: handle.db, storage, engine: jobOpts.engine ?? createEngine(env), logger };
    const executorPort = await freePort();
    const inngest = new Inngest({ id: "avatar-studio", isDev: true, baseUrl: `http://127.0.0.1:${executorPort}`, logger: quiet });
    const fn = createGenerateAvatar(inngest, async () => workflow, { concurrency: jobOpts.concurrency ?? 2 });
    appServer = createServer(serve({ client: inngest, functions: [fn] }));
    await new Promise<void>((resolve) => appServer!.listen(0, "127.0.0.1", resolve));
    const appPort = (appServer.address() as AddressInfo).port;
    executor = createLocalExecutor({
      db: handle.db,
      serveUrl: `http://127.0.0.1:${appPort}/api/inngest`,
      port: executorPort,
      timeScale: jobOpts.timeScale ?? 0.001,
      pollIntervalMs: 20,
      logger: quiet,
    });
    await executor.start();
    sendEvent = async (generation) => {
      await inngest.send(generationRequested(generation));
    };
    control = {
      sendCancel: async (generationId) => {
        await inngest.send(generationCancelled(generationId));
      },
      runs: executorRunsReader(executor.url),
    };
  }
  const jobs: StartDeps = { db: handle.db, storage, sendEvent: (g) => sendEvent(g), ...control };
  const context = (user: Context["user"]): Context => ({ db: handle.db, env, jobs, auth, user });

  let adminUser: Promise<TestUser> | undefined;
  const app: TestApp = {
    handle,
    db: handle.db,
    env,
    auth,
    storage,
    storageDir,
    jobs,
    executor,
    anonymous: createCaller(context(null)),
    async signUp(email = `user${++counter}-${Date.now()}@example.com`) {
      const res = await auth.api.signUpEmail({ body: { email, password: "correct horse battery", name: email.split("@")[0]! } });
      return { id: res.user.id, email, caller: createCaller(context({ ...res.user, plan: "free" })) };
    },
    signUpAdmin() {
      adminUser ??= app.signUp(ADMIN_EMAIL);
      return adminUser;
    },
    async close() {
      await executor?.stop();
      if (appServer) {
        appServer.closeAllConnections();
        await new Promise((resolve) => appServer!.close(resolve));
      }
      await handle.close();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
  return app;
}

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

