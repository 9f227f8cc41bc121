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
