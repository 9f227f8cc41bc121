import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { CLIENT_ADDRESS_HEADER, clientAddress, type TrustProxy } from "./client-address";
import { refuseCrossSite } from "./cross-site";
import { securityHeaders } from "./security-headers";

/**
 * What every request to the server goes through first (src/server/start.ts), before tRPC or
 * Next.js sees it: the client's address decided once, the security headers set, and a
 * cross-site request that would change something refused. One place, so no route can forget.
 */

export interface FrontDoorOptions {
  trustProxy: TrustProxy;
  /** The app's own origins (security/origin.ts), the same list better-auth trusts. */
  trustedOrigins: readonly string[];
  dev: boolean;
  imageOrigins?: readonly string[];
}

/**
 * API answers are per user: never kept by any cache, unless the route says otherwise itself (an
 * image may be kept by the browser). Decided when the head is written, because Next.js doesn't
 * replace a header that is already set.
 */
function privateByDefault(res: ServerResponse) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!this.hasHeader("cache-control")) this.setHeader("cache-control", "private, no-store");
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

/** Returns false when it has answered the request itself (refused). */
export function createFrontDoor(options: FrontDoorOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const header = (name: string) => {
      const value = req.headers[name];
      return (Array.isArray(value) ? value[0] : value) ?? null;
    };
    const address = clientAddress(
      req.socket.remoteAddress,
      { forwardedFor: header("x-forwarded-for") ?? undefined, realIp: header("x-real-ip") ?? undefined },
      options.trustProxy,
    );
    if (address) req.headers[CLIENT_ADDRESS_HEADER] = address;
    else delete req.headers[CLIENT_ADDRESS_HEADER];

    const https =
      Boolean((req.socket as TLSSocket).encrypted) ||
      (options.trustProxy.kind !== "none" && header("x-forwarded-proto")?.split(",")[0]?.trim() === "https");
    const headers = securityHeaders({ nonce: randomBytes(16).toString("base64"), dev: options.dev, https, imageOrigins: options.imageOrigins });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // Next.js takes the nonce for its scripts from the request's own CSP header.
    req.headers["content-security-policy"] = headers["content-security-policy"];
    if (req.url?.startsWith("/api/")) privateByDefault(res);

    if (refuseCrossSite(req.method, { get: header }, options.trustedOrigins)) {
      res.statusCode = 403;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: { code: "FORBIDDEN", message: "Refused: this request was sent from another site." } }));
      return false;
    }
    return true;
  };
}
