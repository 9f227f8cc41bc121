import { and, eq, inArray } from "drizzle-orm";
import type { Db, ExecutorContext } from "./db";
import { matches } from "./expressions";
import type { EventPayload } from "./protocol";
import { nameMatches } from "./registry";
import { finishRun, isFinished, lockRun } from "./runs";
import { deleteRunJobs } from "./jobs";
import { executorRuns as runs } from "./schema";
import { parseDuration } from "./time";

/**
 * `cancelOn`, as Inngest does it: an event matching one of a function's `cancel` entries (its name,
 * its `if` with `event` = the run's trigger and `async` = the new event, and within `timeout` of the
 * run's start) ends that function's unfinished runs as "cancelled". Their queued calls, sleeps and
 * waits are dropped; a call in flight finishes in the app, and its answer and checkpoints are
 * refused (the run is finished). Each cancelled run emits `inngest/function.cancelled`; `onFailure`
 * does not run, as on Inngest.
 */
export async function cancelMatchingRuns(
  tx: Db,
  ctx: ExecutorContext,
  event: EventPayload,
  now: Date,
  emit: (events: { name: string; data: Record<string, unknown> }[]) => Promise<void>,
): Promise<string[]> {
  const cancelled: string[] = [];
  for (const fn of await ctx.functions.all(tx)) {
    const entries = (fn.config.cancel ?? []).filter((entry) => nameMatches(entry.event, event.name));
    if (entries.length === 0) continue;
    const unfinished = await tx
      .select({ id: runs.id, event: runs.event, createdAt: runs.createdAt })
      .from(runs)
      .where(and(eq(runs.functionId, fn.id), inArray(runs.status, ["queued", "running"])));
    for (const candidate of unfinished) {
      const scope = { event: candidate.event, async: event };
      const hit = entries.some(
        (entry) =>
          withinTimeout(ctx, entry.timeout, candidate.createdAt, now) &&
          matches(entry.if, scope, (error) => ctx.logger.warn(`[executor] ${fn.id}: cancelOn: ${error.message}`)),
      );
      if (!hit) continue;
      const run = await lockRun(tx, candidate.id);
      if (!run || isFinished(run.status)) continue;
      const error = { name: "Cancelled", message: `Cancelled by event ${event.name} (${event.id})` };
      await finishRun(tx, run.id, { status: "cancelled", error }, now);
      await deleteRunJobs(tx, run.id);
      ctx.logger.info(`[executor] run ${run.id} of ${fn.id} cancelled by ${event.name}`);
      cancelled.push(run.id);
      await emit([{ name: "inngest/function.cancelled", data: { function_id: fn.id, run_id: run.id, error, event: run.event } }]);
    }
  }
  return cancelled;
}

/** A cancel entry's `timeout` (time-scaled, like every wait) counts from the run's creation; without one it always applies. */
function withinTimeout(ctx: ExecutorContext, timeout: string | undefined, createdAt: Date, now: Date): boolean {
  if (!timeout) return true;
  const ms = parseDuration(timeout);
  return ms === null || now.getTime() - createdAt.getTime() <= ctx.clock.scale(ms);
}
