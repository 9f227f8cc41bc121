/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or stateful server packages stay outside the bundle: the PGlite instance in particular
  // must be the one the server script opened (see src/server/db/index.ts).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "sharp", "inngest"],
  poweredByHeader: false,
  // The build type-checks the app; tests and scripts are checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // Dev and build outputs stay apart from the e2e build, so `npm test` can run next to `npm run dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
