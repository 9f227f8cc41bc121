import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThreadExecutor, type ThreadExecutor, type ThreadExecutorOptions } from "~/executor/thread";
import { listRuns, type RunView } from "~/executor/views";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "~/server/db/client";
import { scratchDatabase } from "../helpers/db";
import { freePort } from "../helpers/net";

/**
 * src/server/start.ts runs the executor in a worker thread (src/executor/thread.ts): with its own
 * pool on PostgreSQL, with its own connection to the embedded database's thread on PGlite. The
 * same executor, driving the app over HTTP from another thread.
 */
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

interface Database {
  handle: DatabaseHandle;
  /** What the executor's thread connects with. */
  connection(): Pick<ThreadExecutorOptions, "databaseUrl" | "pglite" | "maxConnections">;
  drop(): Promise<void>;
}
const databases: Array<{ name: string; open(): Promise<Database> }> = [
  {
    name: "the embedded database's thread",
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), "executor-thread-"));
      const handle = await openDatabase({ pgliteDir: dir, pgliteThread: true });
      return { handle, connection: () => ({ pglite: handle.connectThread!() }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
// The PostgreSQL pass (DATABASE_URL set) runs both.
if (process.env.DATABASE_URL) {
  databases.push({
    name: "PostgreSQL",
    async open() {
      const scratch = await scratchDatabase(process.env.DATABASE_URL!, "test_thread");
      const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
      return { handle, connection: () => ({ databaseUrl: scratch.url, maxConnections: 4 }), drop: scratch.drop };
    },
  });
}

describe.each(databases)("the executor in its own thread, on $name", ({ open }) => {
  let database: Database;
  let handle: DatabaseHandle;
  let app: Server;
  let executor: ThreadExecutor;
  let inngest: Inngest;
  const bodies: string[] = [];
  const crashes: Error[] = [];

  beforeAll(async () => {
    database = await open();
    handle = database.handle;
    await migrateDatabase(handle);
    const port = await freePort();
    inngest = new Inngest({ id: "thread-app", isDev: true, baseUrl: `http://127.0.0.1:${port}`, logger: quiet });
    const fn = inngest.createFunction({ id: "steps", triggers: [{ event: "test/steps" }] }, async ({ event, step }) => {
      const a = await step.run("a", () => (bodies.push("a"), (event.data.n as number) + 1));
      await step.sleep("pause", "1s");
      const b = await step.run("b", () => (bodies.push("b"), a * 10));
      return { a, b };
    });
    app = createServer(serve({ client: inngest, functions: [fn] }));
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const serveUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
    executor = createThreadExecutor({
      ...database.connection(),
      serveUrl,
      port,
      timeScale: 0.01,
      quiet: true,
      onCrash: (error) => crashes.push(error),
    });
    await executor.start();
  });

  afterAll(async () => {
    await executor?.stop();
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
    await handle?.close();
    await database?.drop();
  });

  it("runs a function's steps and its sleep once each, recorded in the database the app reads", async () => {
    const { ids } = await inngest.send({ name: "test/steps", data: { n: 1 } });
    let run: RunView | undefined;
    for (let i = 0; i < 200 && run?.status !== "completed" && run?.status !== "failed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      [run] = await listRuns(handle.db, { eventId: ids[0] });
    }
    expect(run?.status).toBe("completed");
    expect(run?.output).toEqual({ a: 2, b: 20 });
    expect(run?.steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "completed"],
      ["pause", "completed"],
      ["b", "completed"],
    ]);
    expect(bodies).toEqual(["a", "b"]);
  });

  it("answers on its own URL until stopped, then the thread is gone", async () => {
    expect(await (await fetch(`${executor.url}/health`)).json()).toEqual({ ok: true, executor: "local" });
    await executor.stop();
    await expect(fetch(`${executor.url}/health`)).rejects.toThrow();
    expect(crashes).toEqual([]); // stopping is not a crash
  });
});
