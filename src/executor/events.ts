import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db, ExecutorContext } from "./db";
import { cancelMatchingRuns } from "./cancel";
import { matches } from "./expressions";
import { ulid } from "./ids";
import { deleteJob, runHasJobs } from "./jobs";
import type { EventPayload, IncomingEvent } from "./protocol";
import { concurrencyFor, runPriority, triggeredBy } from "./registry";
import { createRun, enqueueCall, isFinished, lockRun, recordStep, type Run } from "./runs";
import { executorEvents as events, executorJobs as jobs } from "./schema";

/**
 * Events in: stored once, cancelling the runs whose `cancelOn` matches, starting every triggered
 * run and resolving every matching `waitForEvent`.
 */

/**
 * Ingests a batch of events in one transaction and returns their ids. An event carrying an `id`
 * already seen (or re-sent by the SDK with the same `x-inngest-event-id-seed`) starts nothing new.
 */
export async function ingestEvents(ctx: ExecutorContext, incoming: IncomingEvent[], seed: string | null): Promise<string[]> {
  const ids = await ctx.db.transaction((tx) => ingestInTransaction(tx, ctx, incoming, seed));
  ctx.kick();
  return ids;
}

export async function ingestInTransaction(
  tx: Db,
  ctx: ExecutorContext,
  incoming: IncomingEvent[],
  seed: string | null,
): Promise<string[]> {
  const now = new Date(ctx.clock.now());
  const fns = await ctx.functions.all(tx);
  const ids: string[] = [];
  for (const [index, input] of incoming.entries()) {
    const id = ulid(now.getTime());
    const payload: EventPayload = { ...input, id: input.id ?? id, name: input.name, data: input.data ?? {}, ts: input.ts ?? now.getTime() };
    const dedupeKey = input.id ? `id:${input.id}` : seed ? `seed:${seed}:${index}` : null;
    const inserted = await tx
      .insert(events)
      .values({ id, name: payload.name, payload, dedupeKey, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: events.id });
    if (inserted.length === 0 && dedupeKey) {
      const [existing] = await tx.select({ id: events.id }).from(events).where(eq(events.dedupeKey, dedupeKey));
      ctx.logger.info(`[executor] duplicate event ${payload.name} (${dedupeKey}) ignored`);
      ids.push(existing?.id ?? id);
      continue;
    }
    ids.push(id);
    const eventForRuns = { ...payload, id };
    // Runs this event cancels first: a run it starts below is never its own cancellation.
    await cancelMatchingRuns(tx, ctx, eventForRuns, now, async (emitted) => {
      await ingestInTransaction(tx, ctx, emitted, null);
    });
    for (const fn of fns) {
      if (!triggeredBy(fn, eventForRuns, ctx.logger)) continue;
      await createRun(tx, {
        fn,
        event: eventForRuns,
        priority: runPriority(fn, eventForRuns),
        concurrency: concurrencyFor(fn, eventForRuns, ctx.logger),
        now,
      });
    }
    await resolveWaits(tx, ctx, eventForRuns, now);
  }
  return ids;
}

/** Hands the event to every run waiting for it whose `if` expression holds. */
async function resolveWaits(tx: Db, ctx: ExecutorContext, event: EventPayload, now: Date): Promise<void> {
  const waiting = await tx
    .select({ id: jobs.id, runId: jobs.runId })
    .from(jobs)
    .where(and(eq(jobs.kind, "wait"), eq(jobs.eventName, event.name)));
  for (const candidate of waiting) {
    const run = await lockRun(tx, candidate.runId);
    if (!run || isFinished(run.status)) continue;
    const [job] = await tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, candidate.id), or(isNull(jobs.lockedUntil), lt(jobs.lockedUntil, now))))
      .for("update", { skipLocked: true });
    if (!job) continue;
    const scope = { event: run.event, async: event };
    const hit = matches(job.expression, scope, (error) => ctx.logger.warn(`[executor] waitForEvent in run ${run.id}: ${error.message}`));
    if (!hit) continue;
    await recordStep(tx, run.id, { stepId: job.target, op: "WaitForEvent", status: "completed", data: event, now });
    await deleteJob(tx, job.id);
    await continueRun(tx, run, now);
  }
}

/** Once nothing of a run is pending any more (steps, sleeps, waits), calls the function again. */
export async function continueRun(tx: Db, run: Run, now: Date): Promise<void> {
  if (!(await runHasJobs(tx, run.id))) await enqueueCall(tx, run, "step", now);
}
