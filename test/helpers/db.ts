import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "~/server/db/client";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on
 * the PostgreSQL server named by DATABASE_URL (dropped again on close) unless `embedded` asks for PGlite.
 * `pgliteThread`: PGlite in its own thread, as the app runs it (implies embedded).
 */
export async function freshDatabase(options: { embedded?: boolean; pgliteThread?: boolean } = {}): Promise<DatabaseHandle & { url?: string }> {
  const serverUrl = options.embedded || options.pgliteThread ? undefined : process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = await openDatabase({ pgliteDir: "memory://", pgliteThread: options.pgliteThread });
    await migrateDatabase(handle);
    return handle;
  }
  const scratch = await scratchDatabase(serverUrl, "test");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 20 });
  await migrateDatabase(handle);
  return {
    ...handle,
    /** For a second connection pool on the same database (another "instance"). */
    url: scratch.url,
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** A new, empty database on the PostgreSQL server `serverUrl` names; `drop()` removes it. */
export async function scratchDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
