import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import type { DatabaseHandle } from "../server/db/client";
import { workerThreads } from "../server/worker-threads";
import type { LocalExecutor } from "./index";

/**
 * The executor in a worker thread of its own, with its own connections to a PostgreSQL server, or
 * its own connection to the embedded database's thread (src/server/db/pglite-thread.ts). Its
 * scheduler, queries and HTTP server then leave the app's event loop, and a 2-core machine runs
 * orchestration and the app's steps side by side. Everything between the two already goes over
 * HTTP (events in, calls out, checkpoints in), so nothing else changes.
 */
export interface ThreadExecutorOptions {
  /** Exactly one of the two. */
  databaseUrl?: string;
  /** A port from the embedded database's `connect()` (handed over to the thread) and its directory. */
  pglite?: { port: MessagePort; dataDir: string };
  serveUrl: string;
  /** Default 8288; 0 picks a free one (then `url` is final once `start()` resolved). */
  port?: number;
  timeScale?: number;
  /** The thread's postgres.js pool; default 10. */
  maxConnections?: number;
  /** Printed before the executor's log lines. */
  logPrefix?: string;
  /** Warnings and errors only. */
  quiet?: boolean;
  /** Forwarded to the executor (tests and benches). */
  checkpointing?: boolean;
  /**
   * The thread died while running (not through `stop()`): nothing drives the runs any more. The
   * server exits on it, so its supervisor restarts it and the runs resume.
   */
  onCrash?: (error: Error) => void;
}

export type ThreadExecutor = Pick<LocalExecutor, "start" | "stop" | "sync" | "url">;

type Request = { id: number; kind: "start" | "sync" | "stop" };
export type ThreadReply = { id: number; ok: true; url: string } | { id: number; ok: false; error: string };

/** What the thread connects to: the PostgreSQL server at `databaseUrl`, else the embedded database's thread. */
export function threadDatabase(handle: DatabaseHandle, databaseUrl?: string): Pick<ThreadExecutorOptions, "databaseUrl" | "pglite"> {
  if (databaseUrl) return { databaseUrl };
  if (!handle.connectThread) throw new Error("the embedded database is not in a thread of its own");
  return { pglite: handle.connectThread() };
}

export function createThreadExecutor(options: ThreadExecutorOptions): ThreadExecutor {
  let url = `http://127.0.0.1:${options.port ?? 8288}`;
  let worker: Worker | undefined;
  let exited: Error | null = null;
  let started = false;
  let stopping = false;
  let nextId = 1;
  const waiting = new Map<number, { resolve(url: string): void; reject(error: Error): void }>();

  function ensureWorker(): Worker {
    if (worker) return worker;
    const entry = fileURLToPath(new URL("./thread-worker.mjs", import.meta.url));
    const { onCrash: _, ...data } = options; // a function can't cross to the thread
    worker = new (workerThreads().Worker)(entry, { workerData: data, transferList: options.pglite ? [options.pglite.port] : [] });
    worker.on("message", (reply: ThreadReply) => {
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.ok) w?.resolve(reply.url);
      else w?.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      if (started && !stopping && !exited) options.onCrash?.(error);
      exited = error;
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the executor thread exited (code ${code})`)));
    return worker;
  }

  function ask(kind: Request["kind"]): Promise<string> {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<string>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      ensureWorker().postMessage({ id, kind } satisfies Request);
    });
  }

  return {
    get url() {
      return url;
    },
    async start() {
      url = await ask("start");
      started = true;
    },
    async sync() {
      await ask("sync");
    },
    async stop() {
      if (!worker || exited) return;
      stopping = true;
      await ask("stop");
      await worker.terminate();
    },
  };
}
