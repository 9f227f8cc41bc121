import type { Env } from "../env";

/**
 * Which sites may make state-changing requests with a user's session cookie: the app's own
 * origins. better-auth gets the same list (src/server/auth.ts), so one answer holds everywhere.
 */
export function trustedOrigins(e: Pick<Env, "BETTER_AUTH_URL" | "PORT">): string[] {
  const own = e.BETTER_AUTH_URL ? new URL(e.BETTER_AUTH_URL).origin : `http://localhost:${e.PORT}`;
  return [...new Set([own, `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`])];
}

/**
 * Whether a request comes from one of `trusted`, as the browser tells it: `Origin` (sent with
 * every cross-origin request and every POST), else `Sec-Fetch-Site`, else `Referer`. A request
 * with none of them is not from a browser page (a script, curl), so it can't be a forgery made
 * with a victim's cookies, and passes.
 */
export function fromTrustedOrigin(headers: Pick<Headers, "get">, trusted: readonly string[]): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return origin !== "null" && trusted.includes(origin);
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const referer = headers.get("referer");
  if (referer !== null) {
    try {
      return trusted.includes(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return true;
}
