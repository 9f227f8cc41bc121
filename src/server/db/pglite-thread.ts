import path from "node:path";
import type { MessagePort, Worker } from "node:worker_threads";
import type { Results } from "@electric-sql/pglite";
import { workerThreads } from "../worker-threads";

/**
 * The embedded database in a thread of its own. PGlite is PostgreSQL compiled to WebAssembly and
 * runs on the thread that owns it: on the app's thread it took about 40 % of that thread's time
 * under load (the bench's orchestration profile), beside the requests and the workflow's steps.
 * Here the app's thread only sends statements and receives rows (a structured clone each way).
 *
 * The client has the part of PGlite's interface drizzle and this app use: query, exec,
 * transaction (held open in the thread until the callback settles), listen and close. Semantics
 * are PGlite's own: one connection, statements in order, a transaction excludes other statements
 * until it ends. A notification reaches its listener before the reply to the statement that
 * caused it (one message port, in order), as on the thread-local PGlite.
 *
 * Another thread (the executor's) gets a client of its own through `connect()`: a message port to
 * the same database, with the same semantics.
 */
type QueryOptions = Record<string, unknown>;
interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string, options?: QueryOptions): Promise<Array<Results>>;
}
export interface PgliteSession extends Queryable {
  /** As PGlite's: drizzle and the executor recognise an embedded database by these two. */
  readonly dataDir: string;
  readonly waitReady: Promise<void>;
  transaction<T>(callback: (tx: Queryable) => Promise<T>): Promise<T>;
  listen(channel: string, listener: (payload: string) => void): Promise<void>;
}
export interface PgliteThread extends PgliteSession {
  /** A port for another thread's client (connectPgliteThread there); transfer it to that thread. */
  connect(): MessagePort;
  close(): Promise<void>;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: Record<string, unknown> & { message: string } };
type Message = Reply | { ready: boolean; error?: { message: string } } | { channel: string; payload: string };
interface Endpoint {
  postMessage(message: unknown, transfer?: MessagePort[]): void;
  on(event: "message", listener: (message: Message) => void): unknown;
}

/** Functions can't cross to the thread: the type parsers are set there once (textOids). */
const crossable = (options?: QueryOptions) => {
  if (!options) return undefined;
  const { parsers: _p, serializers: _s, ...rest } = options;
  return rest;
};

/** A client over one endpoint (the worker itself, or a port connected to it). */
function session(endpoint: Endpoint, dataDir: string, waitReady: Promise<void>) {
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let nextId = 1;
  let gone: Error | null = null;

  endpoint.on("message", (m) => {
    if ("ready" in m) return;
    if ("channel" in m) {
      for (const listener of listeners.get(m.channel) ?? []) listener(m.payload);
      return;
    }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (!w) return;
    if (m.ok) w.resolve(m.result);
    else w.reject(Object.assign(new Error(m.error.message), m.error));
  });
  const call = <T>(message: Record<string, unknown>, transfer?: MessagePort[]): Promise<T> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      endpoint.postMessage({ ...message, id }, transfer);
    });
  };
  const on = (tx?: number): Queryable => ({
    query: (text, params, opts) => call({ op: "query", tx, text, params, options: crossable(opts) }),
    exec: (text, opts) => call({ op: "exec", tx, text, options: crossable(opts) }),
  });
  const client: PgliteSession = {
    ...on(),
    dataDir,
    waitReady,
    async transaction(callback) {
      const tx = await call<number>({ op: "begin" });
      let result;
      try {
        result = await callback(on(tx));
      } catch (error) {
        // The callback's error is the one to report, even if the thread can't roll back any more.
        await call({ op: "end", tx, commit: false }).catch(() => {});
        throw error;
      }
      await call({ op: "end", tx, commit: true });
      return result;
    },
    async listen(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        await call({ op: "listen", channel });
      }
      set.add(listener);
    },
  };
  /** Nothing more can be sent: every waiting call fails with `error`. */
  const end = (error: Error) => {
    gone ??= error;
    for (const w of waiting.values()) w.reject(gone);
    waiting.clear();
  };
  return { client, call, end };
}

export function openPgliteThread(dir: string, textOids: number[], options: { root?: string; onCrash?: (error: Error) => void } = {}): Promise<PgliteThread> {
  // Resolved from the app's root: a bundled copy of this module must still start the plain file.
  const entry = path.join(options.root ?? process.cwd(), "src", "server", "db", "pglite-worker.mjs");
  const worker: Worker = new (workerThreads().Worker)(entry, { workerData: { dir, textOids } });
  let ready!: { resolve(): void; reject(error: Error): void };
  const waitReady = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));
  const { client, call, end } = session(worker, dir, waitReady);
  let opened = false;
  let closing = false;
  let thrown: Error | undefined;

  worker.on("message", (m: Message) => {
    if (!("ready" in m)) return;
    opened = m.ready;
    if (m.ready) ready.resolve();
    else ready.reject(new Error(`PGlite did not open ${dir}: ${m.error?.message}`));
  });
  worker.on("error", (error) => (thrown = error));
  worker.on("exit", (code) => {
    const error = thrown ?? new Error(`the database thread exited (code ${code})`);
    // A failed open is reported by openPgliteThread's rejection, not as a crash.
    if (opened && !closing) options.onCrash?.(error);
    ready.reject(error);
    end(error);
  });

  const thread: PgliteThread = {
    ...client,
    connect() {
      const { port1, port2 } = new (workerThreads().MessageChannel)();
      void call({ op: "connect", port: port2 }, [port2]).catch(() => port1.close());
      return port1;
    },
    async close() {
      if (closing) return;
      closing = true;
      await call({ op: "close" }).catch(() => {});
      end(new Error(`the embedded database at ${dir} is closed`));
      await worker.terminate();
    },
  };
  return waitReady.then(() => thread);
}

/** In another thread: a client over a port from `PgliteThread.connect()`. */
export function connectPgliteThread(port: MessagePort, dataDir: string): PgliteSession {
  const { client, end } = session(port as unknown as Endpoint, dataDir, Promise.resolve());
  port.on("close", () => end(new Error("the database thread closed this connection")));
  return client;
}
