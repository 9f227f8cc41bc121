import { is, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { PgliteTransaction } from "drizzle-orm/pglite";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Transaction = PgDatabase<PgQueryResultHKT, any>;

/**
 * Holds a transaction-scoped advisory lock on `key` until commit or rollback. PGlite runs one
 * transaction at a time (every statement and transaction takes the same mutex), so there the
 * transaction already excludes everyone else and the lock would only cost a round trip to the
 * database's thread.
 */
export async function lockForTransaction(tx: Transaction, key: string): Promise<void> {
  if (is(tx, PgliteTransaction)) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}
