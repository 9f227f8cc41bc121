import { and, eq, gt } from "drizzle-orm";
import { z } from "zod";
import type { ExecutorContext } from "./db";
import { opSchema } from "./protocol";
import { isFinished, lockRun, recordStep } from "./runs";
import { executorJobs as jobs } from "./schema";

/**
 * Async checkpointing, as inngest@4 does by default when a call carries `ctx.fn_id`: within one
 * call the SDK runs the function's steps back to back and reports each finished step here
 * (`POST /v1/checkpoint/:runId/async`) instead of answering 206 and waiting for the next call —
 * one call per run instead of one per step. Each step becomes memo at once, so a crash mid-call
 * resumes after the last checkpoint. The call's own answer (the final ops, RunComplete or a step
 * error) is applied as usual.
 */

export const checkpointBodySchema = z
  .object({
    run_id: z.string().optional(),
    /** The job id the call was made for (`ctx.qi_id`). */
    qi_id: z.string().min(1),
    steps: z.array(opSchema),
  })
  .passthrough();

/**
 * "stale" (→ 409, the SDK stops) when the run is finished or the call's lease is gone: another
 * attempt owns the run now. "unsupported" (→ 400) for anything but finished steps; the SDK then
 * answers the call with those ops instead, which the executor handles as ever.
 */
export async function applyCheckpoint(
  ctx: ExecutorContext,
  runId: string,
  body: z.infer<typeof checkpointBodySchema>,
): Promise<"ok" | "stale" | "unsupported"> {
  if (body.steps.some((op) => op.op !== "StepRun" && op.op !== "Step")) return "unsupported";
  const jobId = Number(body.qi_id);
  if (!Number.isSafeInteger(jobId)) return "stale";
  return ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run || isFinished(run.status)) return "stale";
    const now = new Date(ctx.clock.now());
    const [job] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.id, jobId), eq(jobs.runId, runId), gt(jobs.lockedUntil, now)))
      .for("update");
    if (!job) return "stale";
    // A step started when the call did, or when the step before it was checkpointed.
    const startedAt = ctx.callMarks.get(jobId) ?? now;
    for (const op of body.steps) {
      await recordStep(tx, runId, { stepId: op.id, name: op.displayName ?? op.name ?? null, op: "StepRun", status: "completed", data: op.data ?? null, attempted: true, startedAt, now });
    }
    ctx.callMarks.set(jobId, now);
    return "ok";
  });
}
