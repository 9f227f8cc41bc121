import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import type { Db, ExecutorContext, Logger } from "./db";
import { ulid } from "./ids";
import { releaseAllLeases } from "./jobs";
import { createHttpServer } from "./http";
import { createFunctionCache } from "./registry";
import { isFinished } from "./runs";
import { createScheduler } from "./scheduler";
import { createClock, createWaker } from "./time";
import { getRun, listRuns, type RunFilter, type RunView } from "./views";

export type { RunFilter, RunView, StepView } from "./views";
export type { RunStatus, StepStatus } from "./schema";
export type { Db, Logger } from "./db";

export interface LocalExecutorOptions {
  /** A drizzle database (PGlite or postgres.js) whose migrations include `src/executor/schema.ts`. */
  db: Db;
  /** The app's `serve()` endpoint, e.g. http://127.0.0.1:3000/api/inngest. */
  serveUrl: string;
  /** Port of the executor's own HTTP server (the Inngest dev-server API). Default 8288; 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Multiplies every sleep, backoff, retry-after and wait timeout (EXECUTOR_TIME_SCALE); default 1. */
  timeScale?: number;
  /**
   * Longest idle wait between queue polls; default 1 s. Only a safety net: new events, finished
   * jobs and due timers wake the loop at once, and each poll is a claim transaction and a query
   * (an idle server polling every 200 ms spent ≈ 6 % of a CPU on it).
   */
  pollIntervalMs?: number;
  /** How long a claimed job stays leased without a heartbeat; default 30 s. */
  leaseMs?: number;
  /** Most jobs this process runs at once; default 32. */
  maxInFlight?: number;
  /** Longest a single call to the serve URL may take; default 15 min. */
  requestTimeoutMs?: number;
  /**
   * This process is the database's only executor, so at start every lease is stale and freed at
   * once. Default: true for PGlite (one process per directory), false for a Postgres server,
   * where leases of a killed process expire after `leaseMs`.
   */
  exclusive?: boolean;
  /**
   * Let the SDK run a function's steps back to back in one call, checkpointing each
   * (inngest@4's default against Inngest itself); false = one call per step. Default true.
   */
  checkpointing?: boolean;
  /** How long `start()` keeps retrying the sync PUT while the app comes up; default 15 s. */
  syncTimeoutMs?: number;
  /** How long `stop()` waits for in-flight calls; default 5 s. */
  stopGraceMs?: number;
  logger?: Logger;
}

export interface LocalExecutor {
  /** Listens, resumes every unfinished run, then syncs the app (PUT serveUrl). */
  start(): Promise<void>;
  /** PUT serveUrl again, e.g. after a dev reload changed the functions. */
  sync(): Promise<void>;
  /** Stops claiming work, waits briefly for in-flight calls, releases the rest, closes the server. */
  stop(): Promise<void>;
  /** Base URL for the SDK: `INNGEST_DEV` / `new Inngest({ baseUrl })`. Final once `start()` resolved. */
  readonly url: string;
  listRuns(filter?: RunFilter): Promise<RunView[]>;
  getRun(id: string): Promise<RunView | null>;
  /** Resolves with the run once it is completed, failed or cancelled; rejects after `timeoutMs` (default 30 s). */
  waitForRun(id: string, options?: { timeoutMs?: number }): Promise<RunView>;
}

function isPglite(db: Db): boolean {
  const client = (db as unknown as { $client?: unknown }).$client;
  return typeof client === "object" && client !== null && "waitReady" in client && "dataDir" in client;
}

const consoleLogger: Logger = {
  info: (...args) => console.info(...args),
  warn: (...args) => console.warn(...args),
  error: (...args) => console.error(...args),
};

export function createLocalExecutor(options: LocalExecutorOptions): LocalExecutor {
  const host = options.host ?? "127.0.0.1";
  let port = options.port ?? 8288;
  const waker = createWaker();
  const ctx: ExecutorContext = {
    db: options.db,
    serveUrl: options.serveUrl,
    clock: createClock(options.timeScale ?? 1),
    logger: options.logger ?? consoleLogger,
    workerId: `${hostname()}:${process.pid}:${ulid()}`,
    leaseMs: options.leaseMs ?? 30_000,
    kick: () => waker.wake(),
    functions: createFunctionCache(),
    checkpointing: options.checkpointing ?? true,
    callMarks: new Map(),
  };
  const scheduler = createScheduler(ctx, waker, {
    maxInFlight: options.maxInFlight ?? 32,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15 * 60_000,
  });
  const server = createHttpServer(ctx);

  async function syncOnce(): Promise<void> {
    const response = await fetch(options.serveUrl, { method: "PUT" });
    const text = await response.text();
    if (!response.ok) throw new Error(`Sync with ${options.serveUrl} failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  }

  async function syncWithRetry(): Promise<void> {
    const deadline = Date.now() + (options.syncTimeoutMs ?? 15_000);
    for (;;) {
      try {
        return await syncOnce();
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  const executor: LocalExecutor = {
    get url() {
      return `http://${host}:${port}`;
    },
    async start() {
      if (options.exclusive ?? isPglite(options.db)) {
        const freed = await releaseAllLeases(options.db);
        if (freed > 0) ctx.logger.info(`[executor] resuming ${freed} job(s) left by a previous process`);
      }
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
      scheduler.start();
      await syncWithRetry();
      ctx.logger.info(`[executor] listening on ${executor.url}, driving ${options.serveUrl}`);
    },
    sync: syncOnce,
    async stop() {
      await scheduler.stop(options.stopGraceMs ?? 5_000);
      if (server.listening) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    },
    listRuns: (filter) => listRuns(options.db, filter),
    getRun: (id) => getRun(options.db, id),
    async waitForRun(id, { timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await getRun(options.db, id);
        if (run && isFinished(run.status)) return run;
        if (Date.now() >= deadline) throw new Error(`Run ${id} did not finish within ${timeoutMs} ms (status ${run?.status ?? "missing"})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  return executor;
}
