/**
 * `npm run executor`: the local Inngest-protocol executor as a process of its own, for more than
 * one app instance on one PostgreSQL. It drives the app at EXECUTOR_APP_URL (a load balancer in
 * front of the instances, or one of them); the instances run with EXECUTOR=off and
 * INNGEST_DEV=<this process's URL>, so their events come here. Any number of these (and of the
 * instances' own executor threads) share the one queue in the database: each job runs once,
 * GENERATION_CONCURRENCY holds across all of them, and a dead one's leases are taken over.
 */
import { createLocalExecutor } from "../src/executor";
import { migrateDatabase, openDatabase } from "../src/server/db/client";
import { seedModels } from "../src/server/db/seed";
import { env } from "../src/server/env";

const e = env();
const fail = (message: string) => {
  console.error(`[executor] ${message}`);
  process.exit(1);
};
if (!e.DATABASE_URL) fail("needs DATABASE_URL: the embedded database belongs to one process, so a separate executor needs PostgreSQL");
if (!e.EXECUTOR_APP_URL) fail("needs EXECUTOR_APP_URL: the app it drives, e.g. http://avatars.internal:3000 (its /api/inngest is called)");

const handle = await openDatabase({ databaseUrl: e.DATABASE_URL, maxConnections: 10 });
await migrateDatabase(handle, () => seedModels(handle.db));
const executor = createLocalExecutor({
  db: handle.db,
  serveUrl: new URL("/api/inngest", e.EXECUTOR_APP_URL).toString(),
  port: e.EXECUTOR_PORT,
  host: e.EXECUTOR_HOST,
  timeScale: e.EXECUTOR_TIME_SCALE,
  // The app may still be starting (or deploying): keep trying to sync for a while.
  syncTimeoutMs: 120_000,
  logger: {
    info: (...a) => e.LOG_LEVEL !== "warn" && e.LOG_LEVEL !== "error" && console.log("[executor]", ...a),
    warn: (...a) => console.warn("[executor]", ...a),
    error: (...a) => console.error("[executor]", ...a),
  },
});
await executor.start();
console.log(`[executor] ready on ${executor.url}; set INNGEST_DEV=${executor.url} (reachable from the instances) and EXECUTOR=off on each app instance`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[executor] ${signal}: stopping`);
  await executor.stop().catch((error: unknown) => console.error(error));
  await handle.close().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
