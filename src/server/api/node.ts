import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { handleTRPCRequest } from "./http";

/**
 * tRPC for the production server (src/server/start.ts), ahead of Next.js: the same handler as the
 * Next route (handleTRPCRequest), without Next's per-request route machinery, which cost more
 * than the whole call (docs/proof.md, API). Answers are compressed as Next would for clients that
 * accept gzip; subscriptions (SSE) stream as they come. Each answer says how long the server
 * took, from the request to the (compressed) body ready to send: `server-timing: app;dur=…`
 * (browsers' network panels show it; the bench reads it).
 */
export const TRPC_PATH_PREFIX = "/api/trpc/";

/** Next's threshold: smaller answers aren't worth compressing. */
const GZIP_MIN_BYTES = 1024;
const gzipAsync = promisify(gzip);

type Deps = Parameters<typeof handleTRPCRequest>[1];

export async function serveTRPC(req: IncomingMessage, res: ServerResponse, deps: () => Promise<Deps>): Promise<void> {
  const started = performance.now();
  try {
    await answer(req, res, started, await handleTRPCRequest(incomingMessageToRequest(req, res, { maxBodySize: null }), await deps()));
  } catch (error) {
    // tRPC answers its own errors; this is the server failing around it (never left unanswered).
    console.error("tRPC: the request could not be answered:", error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, started: number, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body) {
    res.end();
    return;
  }
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    // A client that goes away closes the response, which aborts the subscription (its signal).
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res).catch(() => {});
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(req)) {
    const zipped = await gzipAsync(body);
    res.setHeader("content-encoding", "gzip");
    res.appendHeader("vary", "accept-encoding");
    res.setHeader("content-length", zipped.length);
    res.setHeader("server-timing", timing(started));
    res.end(zipped);
    return;
  }
  res.setHeader("content-length", body.length);
  res.setHeader("server-timing", timing(started));
  res.end(body);
}

function timing(started: number): string {
  return `app;dur=${(performance.now() - started).toFixed(2)}`;
}

function acceptsGzip(req: IncomingMessage): boolean {
  const accepted = req.headers["accept-encoding"];
  return typeof accepted === "string" && /\bgzip\b(?!;q=0(\.0*)?(,|$))/.test(accepted);
}
