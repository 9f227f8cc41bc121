import { mkdirSync } from "node:fs";
import path from "node:path";
import type { MessagePort } from "node:worker_threads";
import { PGlite, types, type Transaction } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { acquireDirectoryLock } from "./lock";
import { openPgliteThread } from "./pglite-thread";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath (PGlite or postgres.js). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
  /**
   * LISTEN on a channel. On PostgreSQL a connection of its own carries it (postgres.js re-LISTENs
   * after a reconnect; what was sent meanwhile is lost). PGlite's only client is this process, and
   * it hands a notification to its listener before the statement that committed it returns, so an
   * in-process cache invalidated this way is never behind the database.
   */
  listen?(channel: string, listener: (payload: string) => void): Promise<void>;
  /**
   * PostgreSQL only: runs `work` while holding a server-wide advisory lock, so app instances
   * starting together migrate one after another (the first applies, the others find it done).
   */
  exclusively?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * PGlite in its own thread only: a connection for another thread (the executor's), a port to
   * transfer to it with the database's directory (src/server/db/pglite-thread.ts).
   */
  connectThread?(): { port: MessagePort; dataDir: string };
}

export interface OpenOptions {
  /** A real PostgreSQL server; when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data directory, or "memory://" for a throw-away in-memory database. */
  pgliteDir?: string;
  /** postgres.js pool size. */
  maxConnections?: number;
  /**
   * PGlite in a thread of its own (pglite-thread.ts), off the app's event loop: what `npm start`
   * and `npm run dev` use. Tests keep it on their own thread unless they ask.
   */
  pgliteThread?: boolean;
  /** The thread died (pgliteThread): no statement can run any more. */
  onDatabaseCrash?: (error: Error) => void;
}

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "drizzle");
/** The advisory lock key migrations are applied under (any constant no other code uses). */
const MIGRATION_LOCK = 7_240_915_301;

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const sql = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres(sql, { schema }) as unknown as Database;
    return {
      db,
      kind: "postgres",
      listen: async (channel, listener) => {
        await sql.listen(channel, listener);
      },
      exclusively: async (work) => {
        // A session lock, on a connection kept for it; the work itself uses the pool.
        const connection = await sql.reserve();
        try {
          await connection`select pg_advisory_lock(${MIGRATION_LOCK})`;
          return await work();
        } finally {
          await connection`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
          connection.release();
        }
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }

  const dir = options.pgliteDir ?? "memory://";
  let release = () => {};
  if (!dir.startsWith("memory://")) {
    mkdirSync(dir, { recursive: true });
    // PGlite is single-process: a second process opening the same directory corrupts it.
    release = acquireDirectoryLock(dir);
  }
  if (options.pgliteThread) {
    const client = await openPgliteThread(dir, TEXT_OIDS, { onCrash: options.onDatabaseCrash }).catch((error: unknown) => {
      release();
      throw error;
    });
    return {
      db: drizzlePglite({ client: client as unknown as PGlite, schema }) as unknown as Database,
      kind: "pglite",
      listen: (channel, listener) => client.listen(channel, listener),
      connectThread: () => ({ port: client.connect(), dataDir: dir }),
      close: async () => {
        await client.close();
        release();
      },
    };
  }
  const client = await PGlite.create(dir, { parsers: DRIZZLE_PARSERS });
  const db = drizzlePglite(withoutQueryParsers(client), { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    listen: async (channel, listener) => {
      await client.listen(channel, listener);
    },
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * drizzle hands PGlite these type parsers with every query (timestamps, dates, intervals and their
 * arrays stay strings; drizzle maps them itself), and PGlite merges them into its whole parser
 * table each time: about 0.2 ms, as much again as a small query costs. Set once at creation they
 * do the same, so the client drizzle sees drops the per-query copy (withoutQueryParsers).
 */
const TEXT_OIDS = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const DRIZZLE_PARSERS = Object.fromEntries(TEXT_OIDS.map((oid) => [oid, (value: string) => value]));

type QueryOptions = { parsers?: unknown } & Record<string, unknown>;
const stripParsers = (options?: QueryOptions) => {
  if (!options?.parsers) return options;
  const { parsers: _, ...rest } = options;
  return rest;
};

/** The PGlite client (and its transactions) as drizzle sees it: the same, minus per-query parsers. */
function withoutQueryParsers<T extends PGlite | Transaction>(target: T): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === "query") return (text: string, params?: unknown[], options?: QueryOptions) => t.query(text, params, stripParsers(options));
      if (prop === "transaction" && "transaction" in t) {
        return <R>(callback: (tx: Transaction) => Promise<R>) => (t as PGlite).transaction((tx) => callback(withoutQueryParsers(tx)));
      }
      // PGlite keeps private state: its own methods must run on the instance, not the proxy.
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/**
 * Applies every drizzle-kit migration in drizzle/ that has not run yet. Safe to call on each start,
 * and from several instances starting at once (one at a time, under an advisory lock).
 */
export async function migrateDatabase(handle: DatabaseHandle, then?: () => Promise<void>): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  const migrate = async () => {
    if (handle.kind === "pglite") await migratePglite(handle.db as never, config);
    else await migratePostgres(handle.db as never, config);
    await then?.();
  };
  await (handle.exclusively ? handle.exclusively(migrate) : migrate());
}
