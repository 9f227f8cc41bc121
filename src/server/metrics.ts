import { and, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "./db/client";
import { generations } from "./db/schema";
import { faceMetrics } from "./faces/metrics";
import type { RefusalReason, WarningReason } from "./faces/judge";
import { MAX_PHOTOS } from "./photos/limits";
import { TIERS, type Tier } from "./tiers";

/**
 * How generations went, for one user or for everyone: plain aggregates over the generations
 * table. Rates are shares of the *finished* generations (succeeded or failed), so work still
 * in flight never counts as a failure; null when nothing has finished yet.
 */

export interface MetricsScope {
  /** One user's generations; every user's when absent (admins only). */
  userId?: string;
  /** Only generations created at or after this time. */
  since?: Date;
}

export interface CountAndRate {
  /** Finished generations this happened to at least once. */
  generations: number;
  /** Attempts that ended this way (a generation can have several). */
  attempts: number;
  rate: number | null;
}

export interface GenerationMetrics {
  total: number;
  finished: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  users: number;
  successRate: number | null;
  refunds: { generations: number; credits: number; rate: number | null };
  creditsCharged: number;
  averageMsByTier: Array<{ tier: Tier; succeeded: number; averageMs: number | null }>;
  /** How many generations used 1, 2, 3 and 4 photos. */
  photoCounts: Array<{ photos: number; generations: number }>;
  modelLoading: CountAndRate;
  rateLimited: CountAndRate;
  /** Finished generations whose image came from FLUX because PhotoMaker gave up. */
  fluxStoodIn: { generations: number; rate: number | null };
}

const finishedStatuses = ["succeeded", "failed"] as const;
const int = (expr: SQL) => sql<number>`(${expr})::int`;
const hasAttempt = (match: Record<string, string | null>) => sql`${generations.attempts} @> ${JSON.stringify([match])}::jsonb`;
const attemptsWith = (code: string) =>
  sql`jsonb_array_length(jsonb_path_query_array(${generations.attempts}, '$[*] ? (@.errorCode == $code)', jsonb_build_object('code', ${code}::text)))`;

function scopeWhere(scope: MetricsScope, ...more: SQL[]): SQL | undefined {
  return and(
    scope.userId ? eq(generations.userId, scope.userId) : undefined,
    scope.since ? gte(generations.createdAt, scope.since) : undefined,
    ...more,
  );
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export async function generationMetrics(db: Database, scope: MetricsScope = {}): Promise<GenerationMetrics> {
  const finished = inArray(generations.status, [...finishedStatuses]);
  const [totals] = await db
    .select({
      total: int(sql`count(*)`),
      users: int(sql`count(distinct ${generations.userId})`),
      succeeded: int(sql`count(*) filter (where ${generations.status} = 'succeeded')`),
      failed: int(sql`count(*) filter (where ${generations.status} = 'failed')`),
      refunded: int(sql`count(*) filter (where ${generations.status} = 'failed' and coalesce(${generations.refundedCredits}, 0) > 0)`),
      creditsRefunded: int(sql`coalesce(sum(${generations.refundedCredits}) filter (where ${generations.status} = 'failed'), 0)`),
      creditsCharged: int(sql`coalesce(sum(${generations.creditCost}), 0)`),
      loadingGenerations: int(sql`count(*) filter (where ${finished} and ${hasAttempt({ errorCode: "MODEL_LOADING" })})`),
      loadingAttempts: int(sql`coalesce(sum(${attemptsWith("MODEL_LOADING")}) filter (where ${finished}), 0)`),
      limitedGenerations: int(sql`count(*) filter (where ${finished} and ${hasAttempt({ errorCode: "RATE_LIMIT_EXCEEDED" })})`),
      limitedAttempts: int(sql`coalesce(sum(${attemptsWith("RATE_LIMIT_EXCEEDED")}) filter (where ${finished}), 0)`),
      flux: int(
        sql`count(*) filter (where ${generations.status} = 'succeeded' and ${hasAttempt({ engine: "flux", errorCode: null })})`,
      ),
    })
    .from(generations)
    .where(scopeWhere(scope));
  const t = totals!;
  const done = t.succeeded + t.failed;

  const byTier = await db
    .select({
      tier: generations.tier,
      succeeded: int(sql`count(*)`),
      averageMs: sql<number | null>`avg(extract(epoch from (${generations.completedAt} - ${generations.createdAt})) * 1000)::float8`,
    })
    .from(generations)
    .where(scopeWhere(scope, eq(generations.status, "succeeded")))
    .groupBy(generations.tier);

  const photos = await db
    .select({ photos: generations.photoCount, generations: int(sql`count(*)`) })
    .from(generations)
    .where(scopeWhere(scope))
    .groupBy(generations.photoCount);

  return {
    total: t.total,
    finished: done,
    succeeded: t.succeeded,
    failed: t.failed,
    inFlight: t.total - done,
    users: t.users,
    successRate: rate(t.succeeded, done),
    refunds: { generations: t.refunded, credits: t.creditsRefunded, rate: rate(t.refunded, done) },
    creditsCharged: t.creditsCharged,
    averageMsByTier: TIERS.map((tier) => {
      const row = byTier.find((r) => r.tier === tier);
      return { tier, succeeded: row?.succeeded ?? 0, averageMs: row?.averageMs == null ? null : Math.round(Number(row.averageMs)) };
    }),
    photoCounts: Array.from({ length: MAX_PHOTOS }, (_, i) => ({
      photos: i + 1,
      generations: photos.find((p) => p.photos === i + 1)?.generations ?? 0,
    })),
    modelLoading: { generations: t.loadingGenerations, attempts: t.loadingAttempts, rate: rate(t.loadingGenerations, done) },
    rateLimited: { generations: t.limitedGenerations, attempts: t.limitedAttempts, rate: rate(t.limitedGenerations, done) },
    fluxStoodIn: { generations: t.flux, rate: rate(t.flux, done) },
  };
}

/** "Last N days" as a start time; undefined (all time) without a number. */
export function sinceDays(days: number | undefined, now = new Date()): Date | undefined {
  return days === undefined ? undefined : new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}

/* ---------------------------------------------------------------------------------------------
 * The face check's numbers (docs/faces.md), from faceMetrics: photos refused by reason, warnings
 * by reason, and the average likeness by engine and tier.
 * ------------------------------------------------------------------------------------------- */

export const REFUSAL_REASONS = ["no_face", "several_people", "different_person"] as const satisfies readonly RefusalReason[];
export const WARNING_REASONS = ["small_face", "cut_off", "other_people", "maybe_different_person"] as const satisfies readonly WarningReason[];

export interface FaceCheckMetrics {
  /**
   * Photos refused at upload, by reason. A refusal leaves no row (nothing is charged or created),
   * so the face check counts them in the server process's memory, for everyone and without a
   * user: present in the all-users scope only (null in a user's own), since `refusalsSince`.
   */
  refusedByReason: Array<{ reason: string; photos: number }> | null;
  refusalsSince: Date | null;
  /** Photos used with a warning, by reason (from the generations' face records). */
  warningsByReason: Array<{ reason: string; photos: number }>;
  /** Average likeness (0–100) of the measured avatars, by what made them and the tier. */
  likenessByEngineAndTier: Array<{
    engine: "photomaker" | "flux" | "offline";
    tier: Tier;
    identityPreserving: boolean;
    avatars: number;
    averageLikeness: number;
  }>;
}

/** Every known reason, zero when it never happened, then any other reason seen, in name order. */
function byReason(known: readonly string[], counts: Record<string, number>): Array<{ reason: string; photos: number }> {
  const extra = Object.keys(counts).filter((r) => !known.includes(r)).sort();
  return [...known, ...extra].map((reason) => ({ reason, photos: counts[reason] ?? 0 }));
}

/** When this server process started: the face check's in-memory refusal counts begin there. */
const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000));

/**
 * Face-check metrics for one user (`userId`) or everyone. All time: faceMetrics has no time
 * window, so the metrics page's period does not apply to these numbers (the panel says so).
 */
export async function faceCheckMetrics(db: Database, scope: Pick<MetricsScope, "userId"> = {}): Promise<FaceCheckMetrics> {
  const f = await faceMetrics(db, { userId: scope.userId });
  const everyone = scope.userId === undefined;
  const engines = ["photomaker", "flux", "offline"];
  return {
    refusedByReason: everyone ? byReason(REFUSAL_REASONS, f.refusedByReason) : null,
    refusalsSince: everyone ? new Date(PROCESS_STARTED_AT) : null,
    warningsByReason: byReason(
      WARNING_REASONS,
      Object.fromEntries(f.warningsByReason.map((w) => [w.reason, Number(w.photos)])),
    ),
    likenessByEngineAndTier: f.likenessByEngineAndTier
      .map((r) => ({
        engine: r.engine,
        tier: r.tier,
        identityPreserving: r.identityPreserving,
        avatars: Number(r.avatars),
        averageLikeness: Math.round(Number(r.averageLikeness) * 10) / 10,
      }))
      .sort((a, b) => engines.indexOf(a.engine) - engines.indexOf(b.engine) || TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) || Number(b.identityPreserving) - Number(a.identityPreserving)),
  };
}
