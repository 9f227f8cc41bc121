import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The real-PostgreSQL pass: every database test again, plus test/pg, against DATABASE_URL
 * (each test file gets a database of its own on that server).
 */
if (!process.env.DATABASE_URL) {
  throw new Error("test:pg needs DATABASE_URL, e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres");
}

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/**/*.test.ts"],
    exclude: ["node_modules/**"],
    // Each file opens its own database and pool: keep the server's connection count sane.
    maxWorkers: 2,
  },
});
