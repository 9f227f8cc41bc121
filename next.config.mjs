/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or stateful server packages stay outside the bundle: the PGlite instance in particular
  // must be the one the server script opened (see src/server/db/index.ts).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "sharp", "inngest", "@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner"],
  poweredByHeader: false,
  // The build type-checks the app; tests and scripts are checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // Dev and build outputs stay apart from the e2e build, so `npm test` can run next to `npm run dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The dev server refuses its scripts and HMR socket to hosts it doesn't know, and a page that
  // can't load them never hydrates. Trust every host the app itself trusts (src/server/auth.ts).
  allowedDevOrigins: devHosts(),
};

/** Loopback by address, and whatever host HOSTNAME and BETTER_AUTH_URL name ("localhost" is always allowed). */
function devHosts() {
  const hosts = new Set(["127.0.0.1", "[::1]"]);
  if (process.env.HOSTNAME) hosts.add(process.env.HOSTNAME);
  try {
    if (process.env.BETTER_AUTH_URL) hosts.add(new URL(process.env.BETTER_AUTH_URL).hostname);
  } catch {
    // An invalid BETTER_AUTH_URL is refused by src/server/env.ts at start-up, with its name.
  }
  return [...hosts];
}

export default nextConfig;
