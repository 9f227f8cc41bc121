import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import { lockForTransaction } from "../server/db/advisory-lock";
import type { Db, ExecutorContext } from "./db";
import { executorJobs as jobs, type JobKind } from "./schema";

/** The durable job queue: enqueueing, leasing (claim, heartbeat, release) and wake-up times. */

export type Job = typeof jobs.$inferSelect;

export interface NewJob {
  runId: string;
  functionId: string;
  kind: JobKind;
  target: string;
  runAt: Date;
  /** Seconds ahead in the queue (the run's priority). */
  priority: number;
  attempt?: number;
  eventName?: string | null;
  expression?: string | null;
  concurrencyKey?: string | null;
  concurrencyLimit?: number | null;
}

/** Adds a job unless the run already has one for that target (so replays never double-schedule). */
export async function enqueue(db: Db, job: NewJob): Promise<void> {
  const { priority, ...row } = job;
  await db
    .insert(jobs)
    .values({ ...row, sortAt: new Date(job.runAt.getTime() - priority * 1_000) })
    .onConflictDoNothing({ target: [jobs.runId, jobs.target] });
}

/**
 * Leases up to `max` due jobs, in priority order, never letting a concurrency bucket exceed
 * its limit. Rows are taken with `FOR UPDATE SKIP LOCKED` so workers never wait on each
 * other; the per-bucket count runs under an advisory lock so two workers cannot both take the
 * last free slot.
 */
export async function claimJobs(ctx: ExecutorContext, max: number): Promise<Job[]> {
  if (max <= 0) return [];
  const now = new Date(ctx.clock.now());
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  return ctx.db.transaction(async (tx) => {
    const hasCapacity = sql`(${jobs.concurrencyKey} is null or (select count(*) from executor_jobs r
      where r.concurrency_key = ${jobs.concurrencyKey} and r.locked_until > ${nowSql}) < ${jobs.concurrencyLimit})`;
    const candidates = await tx
      .select()
      .from(jobs)
      .where(and(lte(jobs.runAt, now), or(isNull(jobs.lockedUntil), lt(jobs.lockedUntil, now)), hasCapacity))
      .orderBy(asc(jobs.sortAt), asc(jobs.id))
      .limit(max * 2)
      .for("update", { skipLocked: true });
    if (candidates.length === 0) return [];

    const free = new Map<string, number>();
    const keys = [...new Set(candidates.map((job) => job.concurrencyKey).filter((key) => key !== null))].sort();
    for (const key of keys) {
      await lockForTransaction(tx, key);
      const [running] = await tx
        .select({ n: count() })
        .from(jobs)
        .where(and(eq(jobs.concurrencyKey, key), gt(jobs.lockedUntil, now)));
      const limit = candidates.find((job) => job.concurrencyKey === key)?.concurrencyLimit ?? 0;
      free.set(key, limit - (running?.n ?? 0));
    }

    const chosen: Job[] = [];
    for (const job of candidates) {
      if (chosen.length >= max) break;
      if (job.concurrencyKey !== null) {
        const slots = free.get(job.concurrencyKey) ?? 0;
        if (slots <= 0) continue;
        free.set(job.concurrencyKey, slots - 1);
      }
      chosen.push(job);
    }
    if (chosen.length === 0) return [];
    const lockedUntil = new Date(now.getTime() + ctx.leaseMs);
    await tx
      .update(jobs)
      .set({ lockedUntil, lockedBy: ctx.workerId })
      .where(inArray(jobs.id, chosen.map((job) => job.id)));
    return chosen.map((job) => ({ ...job, lockedUntil, lockedBy: ctx.workerId }));
  });
}

/**
 * Leases the run's next due call inside the transaction that just finished its previous one, so
 * the worker goes on with the run at once instead of another claim round (and its wake-up).
 * The run keeps the concurrency slot its finished job held: the bucket's count does not change.
 */
export async function leaseDueCall(tx: Db, ctx: ExecutorContext, runId: string, now: Date): Promise<Job | null> {
  const due = tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.runId, runId), eq(jobs.kind, "call"), lte(jobs.runAt, now), isNull(jobs.lockedUntil)))
    .orderBy(asc(jobs.sortAt), asc(jobs.id))
    .limit(1)
    .for("update", { skipLocked: true });
  const [job] = await tx
    .update(jobs)
    .set({ lockedUntil: new Date(now.getTime() + ctx.leaseMs), lockedBy: ctx.workerId })
    .where(inArray(jobs.id, due))
    .returning();
  return job ?? null;
}

/** Extends this worker's leases on jobs still in progress. */
export async function renewLeases(ctx: ExecutorContext, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db
    .update(jobs)
    .set({ lockedUntil: new Date(ctx.clock.now() + ctx.leaseMs) })
    .where(and(inArray(jobs.id, ids), eq(jobs.lockedBy, ctx.workerId)));
}

/** Gives jobs back to the queue at once (used on stop for calls that did not finish). */
export async function releaseLeases(ctx: ExecutorContext, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db
    .update(jobs)
    .set({ lockedUntil: null, lockedBy: null })
    .where(and(inArray(jobs.id, ids), eq(jobs.lockedBy, ctx.workerId)));
}

/** Frees every lease. Only safe when this process is the database's only executor (PGlite). */
export async function releaseAllLeases(db: Db): Promise<number> {
  const freed = await db
    .update(jobs)
    .set({ lockedUntil: null, lockedBy: null })
    .where(isNotNull(jobs.lockedUntil))
    .returning({ id: jobs.id });
  return freed.length;
}

/** When the next job becomes claimable (due, or its lease expires), or null when the queue is empty. */
export async function nextWakeAt(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ at: sql<string | null>`min(greatest(${jobs.runAt}, coalesce(${jobs.lockedUntil}, ${jobs.runAt})))` })
    .from(jobs);
  return row?.at ? new Date(row.at) : null;
}

/** Re-reads and row-locks a job inside a transaction, but only while this worker still holds its lease. */
export async function lockOwnedJob(tx: Db, id: number, workerId: string): Promise<Job | null> {
  const [job] = await tx
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId)))
    .for("update");
  return job ?? null;
}

export async function deleteJob(tx: Db, id: number): Promise<void> {
  await tx.delete(jobs).where(eq(jobs.id, id));
}

export async function runHasJobs(tx: Db, runId: string): Promise<boolean> {
  const [row] = await tx.select({ n: count() }).from(jobs).where(eq(jobs.runId, runId));
  return (row?.n ?? 0) > 0;
}

export async function deleteRunJobs(tx: Db, runId: string): Promise<void> {
  await tx.delete(jobs).where(eq(jobs.runId, runId));
}

/** Puts a failed call back in the queue for another attempt at `runAt`. */
export async function retryJob(tx: Db, job: Job, runAt: Date, priority: number): Promise<void> {
  await tx
    .update(jobs)
    .set({
      attempt: job.attempt + 1,
      runAt,
      sortAt: new Date(runAt.getTime() - priority * 1_000),
      lockedUntil: null,
      lockedBy: null,
    })
    .where(eq(jobs.id, job.id));
}
