import { and, asc, eq, lt, lte } from "drizzle-orm";
import { lockForTransaction } from "../db/advisory-lock";
import type { Database } from "../db/client";
import { rateLimitHits } from "../db/schema";

/**
 * Submits per token per window, counted in the database, so every app instance grants from one
 * allowance: a sliding log, one row per request still inside the window. A key's rows are read
 * and written under a transaction-scoped advisory lock, so two instances can't both take the
 * last slot.
 */
export interface RateLimiter {
  /** Counts one request; `retryAfterSeconds` is set when it is refused. */
  take(key: string, now?: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export function createRateLimiter(db: Database, limit: number, windowMs = 60_000): RateLimiter {
  return {
    take(key, now = Date.now()) {
      const since = new Date(now - windowMs);
      return db.transaction(async (tx) => {
        await lockForTransaction(tx, `rate-limit:${key}`);
        await tx.delete(rateLimitHits).where(and(eq(rateLimitHits.key, key), lte(rateLimitHits.at, since)));
        const inWindow = await tx
          .select({ at: rateLimitHits.at })
          .from(rateLimitHits)
          .where(eq(rateLimitHits.key, key))
          .orderBy(asc(rateLimitHits.at))
          .limit(limit);
        if (inWindow.length >= limit) {
          const oldest = inWindow[0]!.at.getTime();
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) } as const;
        }
        await tx.insert(rateLimitHits).values({ key, at: new Date(now) });
        return { allowed: true } as const;
      });
    },
  };
}

/** Rows of keys nobody has used for a while (a revoked token's); the sweeper calls it. */
export async function pruneRateLimitHits(db: Database, olderThanMs = 60 * 60_000): Promise<number> {
  const gone = await db.delete(rateLimitHits).where(lt(rateLimitHits.at, new Date(Date.now() - olderThanMs))).returning({ id: rateLimitHits.id });
  return gone.length;
}
