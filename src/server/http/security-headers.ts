/**
 * The headers every answer carries (pages, API, images), built per request: a Content-Security-
 * Policy whose scripts must carry this request's nonce (Next.js reads it from the request's own
 * CSP header and puts it on every script it writes), no framing, no MIME sniffing, no full
 * referrers to other sites, no powerful browser features, and HSTS when served over HTTPS.
 */

/** Browser features the app never uses: denied to it and to anything it might embed. */
const DENIED_FEATURES = [
  "accelerometer",
  "browsing-topics",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
];

export const PERMISSIONS_POLICY = DENIED_FEATURES.map((f) => `${f}=()`).join(", ");

export interface CspOptions {
  nonce: string;
  /** Development: React's dev build evaluates code for its error overlays and stacks. */
  dev: boolean;
  https: boolean;
  /** Origins images may also come from (object storage that answers presigned redirects). */
  imageOrigins?: readonly string[];
}

export function contentSecurityPolicy({ nonce, dev, https, imageOrigins = [] }: CspOptions): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) are trusted; no inline script
    // without the nonce runs, and no 'unsafe-inline'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Style *attributes* (a progress bar's width) can't carry a nonce; styles can't run code.
    "style-src 'self' 'unsafe-inline'",
    // blob: for the studio's photo previews, data: for small inline images.
    `img-src 'self' blob: data:${imageOrigins.map((o) => ` ${o}`).join("")}`,
    "font-src 'self'",
    // blob: is the page's own object URLs (the studio's photos), which only our scripts can make;
    // reading one back is no way out of the page. (Playwright's trace recorder reads them too.)
    "connect-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(options: CspOptions): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(options),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    ...(options.https && { "strict-transport-security": "max-age=31536000; includeSubDomains" }),
  };
}
