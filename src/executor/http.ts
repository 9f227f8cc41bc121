import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ExecutorContext } from "./db";
import { applyCheckpoint, checkpointBodySchema } from "./checkpoint";
import { ingestEvents } from "./events";
import { incomingEventsSchema, registerBodySchema } from "./protocol";
import { registerApp } from "./registry";
import type { RunStatus } from "./schema";
import { getRun, listRuns, type RunFilter } from "./views";

/**
 * The executor's HTTP face, the subset of the Inngest dev server API the SDK uses:
 * `POST /fn/register` (sync), `POST /e/:key` (events), `POST /v1/checkpoint/:runId/async`
 * (steps finished within a call, see checkpoint.ts), plus a read API
 * `GET /v0/runs[?functionId=&status=&eventId=&eventKey=&since=&limit=]` and `GET /v0/runs/:id`.
 */

const MAX_BODY_BYTES = 16 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "Body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
  } catch {
    throw new HttpError(400, "Body is not JSON");
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function runFilter(params: URLSearchParams): RunFilter {
  const status = params.getAll("status").flatMap((value) => value.split(",")).filter(Boolean) as RunStatus[];
  const limit = Number(params.get("limit"));
  const since = params.get("since");
  return {
    functionId: params.get("functionId") ?? undefined,
    eventId: params.get("eventId") ?? undefined,
    eventKey: params.get("eventKey") ?? undefined,
    status: status.length ? status : undefined,
    limit: Number.isFinite(limit) && limit > 0 ? limit : undefined,
    since: since ? new Date(since) : undefined,
  };
}

async function route(ctx: ExecutorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://executor.local");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";

  if (method === "POST" && path === "/fn/register") {
    const body = registerBodySchema.safeParse(await readJson(req));
    if (!body.success) throw new HttpError(400, `Invalid registration: ${body.error.message}`);
    await registerApp(ctx.db, body.data, ctx.logger, new Date(ctx.clock.now()));
    ctx.functions.clear();
    ctx.logger.info(`[executor] synced ${body.data.functions.length} function(s) of ${body.data.appName} from ${body.data.url}`);
    return send(res, 200, { ok: true, modified: true });
  }
  if (method === "POST" && /^\/e\/[^/]+$/.test(path)) {
    const body = incomingEventsSchema.safeParse(await readJson(req));
    if (!body.success) return send(res, 400, { ids: [], status: 400, error: `Invalid event: ${body.error.message}` });
    const list = Array.isArray(body.data) ? body.data : [body.data];
    const ids = await ingestEvents(ctx, list, req.headers["x-inngest-event-id-seed"]?.toString() ?? null);
    return send(res, 200, { ids, status: 200 });
  }
  const checkpointMatch = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(path);
  if (method === "POST" && checkpointMatch?.[1]) {
    const body = checkpointBodySchema.safeParse(await readJson(req));
    if (!body.success) throw new HttpError(400, `Invalid checkpoint: ${body.error.message}`);
    const result = await applyCheckpoint(ctx, decodeURIComponent(checkpointMatch[1]), body.data);
    if (result === "stale") return send(res, 409, { error: "Stale dispatch: the run finished or the call's lease is gone" });
    if (result === "unsupported") return send(res, 400, { error: "Only finished steps are checkpointed locally" });
    return send(res, 200, { ok: true });
  }
  if (method === "GET" && path === "/v0/runs") return send(res, 200, { data: await listRuns(ctx.db, runFilter(url.searchParams)) });
  const runMatch = /^\/v0\/runs\/([^/]+)$/.exec(path);
  if (method === "GET" && runMatch?.[1]) {
    const run = await getRun(ctx.db, decodeURIComponent(runMatch[1]));
    return run ? send(res, 200, { data: run }) : send(res, 404, { error: "Run not found" });
  }
  if (method === "GET" && (path === "/" || path === "/health")) return send(res, 200, { ok: true, executor: "local" });
  throw new HttpError(404, `No route for ${method} ${path}`);
}

export function createHttpServer(ctx: ExecutorContext): Server {
  return createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) ctx.logger.error(`[executor] ${req.method} ${req.url} failed:`, error);
      if (!res.headersSent) send(res, status, { error: (error as Error).message, status });
      else res.end();
    });
  });
}
