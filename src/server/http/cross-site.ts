import { fromTrustedOrigin } from "../security/origin";

/**
 * Cross-site request forgery: a page on another site making the user's browser send a request
 * that changes something (tRPC mutations, uploads that spend credits, sign-in, sign-out), or
 * opening a live subscription. SameSite=Lax cookies stop most of it, but a sibling subdomain is
 * "same site", and multipart posts need no preflight; so the browser's own word on where the
 * request comes from decides. Requests with a bearer token carry no ambient credentials and pass.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isForgeryRisk(method: string | undefined, headers: Pick<Headers, "get">): boolean {
  const changing = !SAFE_METHODS.has((method ?? "GET").toUpperCase());
  const subscription = headers.get("accept")?.includes("text/event-stream") ?? false;
  if (!changing && !subscription) return false;
  return !/^bearer\s/i.test(headers.get("authorization") ?? "");
}

export function refuseCrossSite(method: string | undefined, headers: Pick<Headers, "get">, trusted: readonly string[]): boolean {
  return isForgeryRisk(method, headers) && !fromTrustedOrigin(headers, trusted);
}
