import { parentPort, workerData } from "node:worker_threads";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { connectPgliteThread } from "../server/db/pglite-thread";
import type { Db } from "./db";
import { createLocalExecutor } from "./index";
import type { ThreadExecutorOptions, ThreadReply } from "./thread";

/**
 * Runs in the executor's thread (see thread.ts): its own pool (or connection to the embedded
 * database's thread), its own executor, driven by messages.
 */
const port = parentPort;
if (!port) throw new Error("executor thread: must run in a worker thread");
const options = workerData as ThreadExecutorOptions;
const prefix = options.logPrefix ? [options.logPrefix] : [];

const { databaseUrl, pglite } = options;
if (!databaseUrl && !pglite) throw new Error("executor thread: needs databaseUrl or pglite");
const sql = databaseUrl ? postgres(databaseUrl, { max: options.maxConnections ?? 10, onnotice: () => {} }) : null;
const db = (sql ? drizzle(sql) : drizzlePglite({ client: connectPgliteThread(pglite!.port, pglite!.dataDir) as unknown as PGlite })) as unknown as Db;
const executor = createLocalExecutor({
  db,
  serveUrl: options.serveUrl,
  port: options.port,
  timeScale: options.timeScale,
  checkpointing: options.checkpointing,
  logger: {
    info: (...a) => options.quiet || console.log(...prefix, ...a),
    warn: (...a) => console.warn(...prefix, ...a),
    error: (...a) => console.error(...prefix, ...a),
  },
});

port.on("message", async ({ id, kind }: { id: number; kind: "start" | "sync" | "stop" }) => {
  const reply = (r: ThreadReply) => port.postMessage(r);
  try {
    if (kind === "start") await executor.start();
    if (kind === "sync") await executor.sync();
    if (kind === "stop") {
      await executor.stop();
      await sql?.end({ timeout: 5 });
      pglite?.port.close();
    }
    reply({ id, ok: true, url: executor.url });
  } catch (error) {
    reply({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
