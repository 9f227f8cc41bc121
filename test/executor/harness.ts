import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { createLocalExecutor, type LocalExecutor, type LocalExecutorOptions, type Logger, type RunView } from "~/executor";
import { freshDatabase } from "../helpers/db";
import { freePort } from "../helpers/net";

/**
 * A real SDK app (`serve()` from inngest/node on a plain node:http server) driven by a real
 * executor over HTTP, on a fresh database (PGlite, or DATABASE_URL's server).
 */

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Records the executor's warnings and errors so tests can assert on them. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  return { lines, info() {}, warn: push, error: push };
}


export interface Harness {
  inngest: Inngest;
  executor: LocalExecutor;
  /** Sends one event and returns the runs it started. */
  trigger(name: string, data?: Record<string, unknown>): Promise<RunView[]>;
  close(): Promise<void>;
}

export async function startHarness(
  define: (inngest: Inngest) => InngestFunction.Any[],
  options: Partial<LocalExecutorOptions> = {},
): Promise<Harness> {
  const database = await freshDatabase();
  const port = await freePort();
  const inngest = new Inngest({ id: "test-app", isDev: true, baseUrl: `http://127.0.0.1:${port}`, logger: silentLogger });
  const app: Server = createServer(serve({ client: inngest, functions: define(inngest) }));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appPort = (app.address() as AddressInfo).port;
  const executor = createLocalExecutor({
    db: database.db,
    serveUrl: `http://127.0.0.1:${appPort}/api/inngest`,
    port,
    timeScale: 0.001,
    pollIntervalMs: 50,
    logger: silentLogger,
    ...options,
  });
  await executor.start();
  return {
    inngest,
    executor,
    async trigger(name, data = {}) {
      const { ids } = await inngest.send({ name, data });
      return executor.listRuns({ eventId: ids[0] });
    },
    async close() {
      await executor.stop();
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
      await database.close();
    },
  };
}
