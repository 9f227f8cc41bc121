import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, parseTrustProxy } from "~/server/http/client-address";
import { isForgeryRisk, refuseCrossSite } from "~/server/http/cross-site";
import { contentSecurityPolicy, securityHeaders } from "~/server/http/security-headers";
import { parseEnv } from "~/server/env";
import { fromTrustedOrigin, trustedOrigins } from "~/server/security/origin";

/** The front door's decisions as plain functions: client address, cross-site refusal, headers. */

describe("clientAddress", () => {
  const xff = "203.0.113.7, 198.51.100.2";
  it("is the socket's peer when TRUST_PROXY is off, whatever the headers say", () => {
    expect(clientAddress("::ffff:127.0.0.1", { forwardedFor: xff, realIp: "1.2.3.4" }, parseTrustProxy(undefined))).toBe("127.0.0.1");
    expect(clientAddress("10.0.0.5", { forwardedFor: xff }, parseTrustProxy("off"))).toBe("10.0.0.5");
  });

  it("walks back N hops with a hop count", () => {
    expect(clientAddress("10.0.0.5", { forwardedFor: xff }, parseTrustProxy("1"))).toBe("198.51.100.2");
    expect(clientAddress("10.0.0.5", { forwardedFor: xff }, parseTrustProxy("2"))).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.5", { forwardedFor: xff }, parseTrustProxy("9"))).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.5", {}, parseTrustProxy("1"))).toBe("10.0.0.5");
  });

  it("skips only the listed proxies: a client can't hide behind a forged hop", () => {
    const rule = parseTrustProxy("10.0.0.0/8, 198.51.100.2");
    expect(clientAddress("10.0.0.5", { forwardedFor: xff }, rule)).toBe("203.0.113.7");
    // The peer isn't a trusted proxy: its forwarding header means nothing.
    expect(clientAddress("192.0.2.9", { forwardedFor: xff }, rule)).toBe("192.0.2.9");
    // A client that prepends a fake address is still seen as the hop our proxy saw.
    expect(clientAddress("10.0.0.5", { forwardedFor: "6.6.6.6, 192.0.2.1" }, rule)).toBe("192.0.2.1");
  });

  it("takes X-Real-IP from a trusted proxy that sends no X-Forwarded-For", () => {
    expect(clientAddress("127.0.0.1", { realIp: "192.0.2.44" }, parseTrustProxy("loopback"))).toBe("192.0.2.44");
    expect(clientAddress("127.0.0.1", { realIp: "192.0.2.44" }, parseTrustProxy("off"))).toBe("127.0.0.1");
  });

  it("true trusts every hop (the left-most address)", () => {
    expect(clientAddress("10.0.0.5", { forwardedFor: xff }, parseTrustProxy("true"))).toBe("203.0.113.7");
  });

  it("ignores what isn't an address", () => {
    expect(normalizeAddress("not-an-ip")).toBeUndefined();
    expect(normalizeAddress("[::1]")).toBe("::1");
    expect(clientAddress("10.0.0.5", { forwardedFor: "garbage" }, parseTrustProxy("1"))).toBe("10.0.0.5");
  });

  it("TRUST_PROXY that makes no sense stops the server with its name", () => {
    expect(() => parseEnv({ TRUST_PROXY: "the load balancer" })).toThrow(/TRUST_PROXY: "the load balancer" is not an IP address/);
    expect(() => parseEnv({ TRUST_PROXY: "10.0.0.0/40" })).toThrow(/TRUST_PROXY: "10.0.0.0\/40" has an invalid prefix length/);
    expect(parseEnv({}).TRUST_PROXY).toEqual({ kind: "none" });
  });
});

describe("cross-site requests", () => {
  const trusted = trustedOrigins({ PORT: 3000, BETTER_AUTH_URL: "https://avatars.example.com" });
  const h = (headers: Record<string, string>) => new Headers(headers);

  it("trusts the app's own origins, the same list better-auth gets", () => {
    expect(trusted).toEqual(["https://avatars.example.com", "http://localhost:3000", "http://127.0.0.1:3000"]);
  });

  it.each([
    ["Origin of another site", { origin: "https://evil.example" }, false],
    ["a sibling subdomain (same site, another origin)", { origin: "https://evil.avatars.example.com" }, false],
    ["an opaque origin", { origin: "null" }, false],
    ["our own origin", { origin: "https://avatars.example.com" }, true],
    ["no Origin, Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }, false],
    ["no Origin, Sec-Fetch-Site same-site", { "sec-fetch-site": "same-site" }, false],
    ["no Origin, Sec-Fetch-Site same-origin", { "sec-fetch-site": "same-origin" }, true],
    ["only a Referer from another site", { referer: "https://evil.example/page" }, false],
    ["only a Referer from us", { referer: "http://localhost:3000/projects" }, true],
    ["no browser headers at all (a script)", {}, true],
  ])("%s → trusted: %s", (_what, headers, expected) => {
    expect(fromTrustedOrigin(h(headers), trusted)).toBe(expected);
  });

  it("refuses a state change or a subscription from another site, unless it carries a bearer token", () => {
    const evil = { origin: "https://evil.example", cookie: "better-auth.session_token=x" };
    expect(refuseCrossSite("POST", h(evil), trusted)).toBe(true);
    expect(refuseCrossSite("DELETE", h(evil), trusted)).toBe(true);
    expect(refuseCrossSite("GET", h({ ...evil, accept: "text/event-stream" }), trusted)).toBe(true);
    expect(refuseCrossSite("GET", h(evil), trusted)).toBe(false); // a plain read changes nothing
    expect(refuseCrossSite("POST", h({ ...evil, authorization: "Bearer avs_x" }), trusted)).toBe(false);
    expect(isForgeryRisk("HEAD", h({}))).toBe(false);
  });
});

describe("security headers", () => {
  it("a nonce-based CSP with no unsafe-inline for scripts, no framing, and the other headers", () => {
    const headers = securityHeaders({ nonce: "abc123", dev: false, https: false });
    const csp = headers["content-security-policy"];
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' blob:;");
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(headers).toMatchObject({
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "permissions-policy": expect.stringMatching(/camera=\(\).*geolocation=\(\).*microphone=\(\)/),
    });
    expect(headers["strict-transport-security"]).toBeUndefined();
  });

  it("HSTS and upgrade-insecure-requests over HTTPS; eval for React's dev build in development; bucket origins for images", () => {
    expect(securityHeaders({ nonce: "n", dev: false, https: true })["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(contentSecurityPolicy({ nonce: "n", dev: false, https: true })).toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ nonce: "n", dev: true, https: false })).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce: "n", dev: false, https: false, imageOrigins: ["https://b.s3.amazonaws.com"] })).toContain(
      "img-src 'self' blob: data: https://b.s3.amazonaws.com",
    );
  });
});
