import { and, avg, count, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { avatars, generations } from "../db/schema";

/**
 * Face-check numbers for the metrics page. Refusals leave no row (nothing was charged or
 * created), so they are counted in this process's memory (and logged with their reason);
 * warnings and likeness come from the database.
 */
const counters = { refused: new Map<string, number>(), warned: new Map<string, number>() };

export function countFaceCheck(kind: "refused" | "warned", reason: string) {
  counters[kind].set(reason, (counters[kind].get(reason) ?? 0) + 1);
}

/** Since this process started. */
export function faceCheckCounts() {
  return { refusedByReason: Object.fromEntries(counters.refused), warnedByReason: Object.fromEntries(counters.warned) };
}

export async function faceMetrics(db: Database, scope: { userId?: string } = {}) {
  // One row per (photo, warning) from the generations' face records.
  const warnings = await db
    .select({ reason: sql<string>`w.reason`, photos: sql<number>`count(*)::int` })
    .from(sql`${generations} cross join lateral jsonb_array_elements(${generations.faces}) f cross join lateral jsonb_array_elements_text(f->'warnings') w(reason)`)
    .where(scope.userId ? eq(generations.userId, scope.userId) : undefined)
    .groupBy(sql`w.reason`)
    .orderBy(sql`w.reason`);
  const likeness = await db
    .select({
      engine: avatars.engine,
      tier: generations.tier,
      identityPreserving: avatars.identityPreserving,
      avatars: count(),
      averageLikeness: avg(avatars.likeness).mapWith(Number),
    })
    .from(avatars)
    .innerJoin(generations, eq(generations.id, avatars.generationId))
    .where(and(eq(avatars.likenessStatus, "measured"), scope.userId ? eq(avatars.userId, scope.userId) : undefined))
    .groupBy(avatars.engine, generations.tier, avatars.identityPreserving);
  return { ...faceCheckCounts(), warningsByReason: warnings, likenessByEngineAndTier: likeness };
}
