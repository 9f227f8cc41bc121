import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Small HTTP helpers the fakes share: a route answers a request it knows (true) or passes (false). */

export type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
}

/** One loopback server trying each route in turn; 404 when none answers. */
export async function serveRoutes(routes: Route[], port = 0): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    void (async () => {
      for (const route of routes) if (await route(req, res, path)) return;
      sendJson(res, 404, { error: `No route for ${req.method} ${path}` });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 599, { error: `fake server bug: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The control API the engine fakes share: answers scripted per target, consumed in order, and a
 * default for when the queue is empty. Handles /__fake/reset, /__fake/enqueue and /__fake/default;
 * false for any other path (the fake's own controls).
 */
export function scriptedAnswerControl<Answer, Target extends string>(
  script: { queues: Record<Target, Answer[]>; defaults: Record<Target, Answer>; isAnswer(value: unknown): boolean; reset(): void },
  path: string,
  body: { answers?: unknown; answer?: unknown },
  target: Target,
  res: ServerResponse,
): boolean {
  if (path === "/__fake/reset") {
    script.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (path === "/__fake/enqueue" && Array.isArray(body.answers) && body.answers.every((a) => script.isAnswer(a))) {
    script.queues[target].push(...(body.answers as Answer[]));
    return sendJson(res, 200, { ok: true, queued: script.queues[target].length });
  }
  if (path === "/__fake/default" && script.isAnswer(body.answer)) {
    script.defaults[target] = body.answer as Answer;
    return sendJson(res, 200, { ok: true });
  }
  return false;
}

/**
 * A fake as its own process, for the browser tests' servers: `--port N` (else `defaultPort`),
 * one JSON line describing it once listening, closed on SIGINT/SIGTERM.
 */
export async function runFakeCli<F extends { close(): Promise<void> }>(
  defaultPort: number,
  start: (port: number) => Promise<F>,
  describe: (fake: F) => Record<string, unknown>,
): Promise<void> {
  const args = process.argv.slice(2);
  const portArg = args[args.indexOf("--port") + 1];
  const port = args.includes("--port") && portArg ? Number(portArg) : defaultPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid --port ${portArg}`);
    process.exit(2);
  }
  const fake = await start(port);
  console.log(JSON.stringify(describe(fake)));
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    fake.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
