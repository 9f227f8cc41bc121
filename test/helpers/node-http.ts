import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/**
 * A fetch-style handler `(Request) => Response` (the shape of a Next.js route handler) served by
 * node:http, for child processes and benchmarks that need the app over real HTTP without a
 * Next.js build. Every handler served this way pays the same conversion cost.
 */
export type FetchHandler = (req: Request) => Promise<Response> | Response;

export function toRequest(req: IncomingMessage): Request {
  const url = `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    ...(hasBody && { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" }),
  } as RequestInit);
}

export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...headers, "content-length": String(body.length) });
  res.end(body);
}

/** Routes by path prefix; anything else is 404. A thrown error is a 500 (and logged). */
export function nodeListener(routes: Record<string, FetchHandler>): RequestListener {
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const prefix = prefixes.find((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`));
    if (!prefix) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    Promise.resolve(routes[prefix]!(toRequest(req)))
      .then((response) => sendResponse(res, response))
      .catch((error: unknown) => {
        console.error(`[http] ${req.method} ${path} failed:`, error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("Internal Server Error");
      });
  };
}
