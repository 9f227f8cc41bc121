import type { Db, ExecutorContext } from "./db";
import { continueRun, ingestInTransaction } from "./events";
import { deleteJob, deleteRunJobs, enqueue, leaseDueCall, lockOwnedJob, retryJob, type Job } from "./jobs";
import { maxAttempts, type CallOutcome, type Op } from "./protocol";
import {
  enqueueCall,
  finishRun,
  isFinished,
  isMemoised,
  lockRun,
  recordStep,
  setDisableImmediateExecution,
  type Run,
} from "./runs";
import { backoffMs, delayUntil, parseDuration, parseRetryAfter } from "./time";

/**
 * What the executor does with each answer: every change is one transaction under the run's row
 * lock, and only while this worker still holds the job's lease, so a result is recorded once.
 */

interface Applying {
  tx: Db;
  ctx: ExecutorContext;
  run: Run;
  job: Job;
  now: Date;
  /** Set when the answer made calls due besides the run's next one (parallel steps). */
  othersDue?: boolean;
  /** Set when the answer ended the run: it has no next call. */
  finished?: boolean;
}

/**
 * Runs `apply` with the run and job locked; a lost lease or a finished run drops the result.
 * Returns the run's next call when it is due now, already leased to this worker (see leaseDueCall).
 * Without one, the scheduler wakes when the job is done (the slot it held is free); calls made due
 * besides the next (parallel steps) wake it here.
 */
async function withLockedJob(ctx: ExecutorContext, job: Job, apply: (a: Applying) => Promise<void>): Promise<Job | null> {
  const { next, othersDue } = await ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, job.runId);
    // A run that ended meanwhile (cancelled while this call was in flight) takes no more results.
    if (!run || isFinished(run.status)) {
      await deleteJob(tx, job.id);
      return { next: null, othersDue: false };
    }
    const owned = await lockOwnedJob(tx, job.id, ctx.workerId);
    if (!owned) {
      ctx.logger.warn(`[executor] lease on job ${job.id} (run ${job.runId}) was lost; its result is dropped`);
      return { next: null, othersDue: false };
    }
    const a: Applying = { tx, ctx, run, job: owned, now: new Date(ctx.clock.now()) };
    await apply(a);
    return { next: a.finished ? null : await leaseDueCall(tx, ctx, run.id, a.now), othersDue: a.othersDue ?? false };
  });
  if (othersDue) ctx.kick();
  return next;
}

/** A serve-URL call came back. */
export async function applyCallOutcome(ctx: ExecutorContext, job: Job, outcome: CallOutcome, startedAt: Date): Promise<Job | null> {
  return withLockedJob(ctx, job, async (a) => {
    const fn = await ctx.functions.get(a.tx, a.run.functionId);
    const max = fn ? maxAttempts(fn.config) : 1;
    if (outcome.kind === "complete") return completeRun(a, outcome.output);
    if (outcome.kind === "error") {
      if (outcome.retriable && a.job.attempt + 1 < max) {
        await retryLater(a, outcome.retryAfter);
        if (a.job.target !== "step") {
          await recordStep(a.tx, a.run.id, { stepId: a.job.target, op: "StepRun", status: "retrying", error: asError(outcome.error), attempted: true, now: a.now });
        }
        return;
      }
      return failRun(a, outcome.error);
    }
    await applyOps(a, outcome.ops, outcome.retryAfter, max, startedAt);
  });
}

/** A sleep ended or a wait timed out: the step resolves to null. */
export async function applyTimer(ctx: ExecutorContext, job: Job): Promise<Job | null> {
  return withLockedJob(ctx, job, async (a) => {
    const op = job.kind === "sleep" ? "Sleep" : "WaitForEvent";
    await recordStep(a.tx, a.run.id, { stepId: job.target, op, status: "completed", data: null, now: a.now });
    await deleteJob(a.tx, job.id);
    await continueRun(a.tx, a.run, a.now);
  });
}

async function applyOps(a: Applying, ops: Op[], retryAfter: string | null, max: number, startedAt: Date): Promise<void> {
  const { tx, run, now } = a;
  let retrying = false;
  if (ops.length > 1 && !run.disableImmediateExecution) {
    // The function went parallel: from now on the SDK must plan steps, not run them inline.
    await setDisableImmediateExecution(tx, run.id);
    run.disableImmediateExecution = true;
  }
  if (ops.length > 1) a.othersDue = true;
  for (const op of ops) {
    const step = { stepId: op.id, name: op.displayName ?? op.name ?? null, now };
    switch (op.op) {
      case "StepRun":
      case "Step":
        await recordStep(tx, run.id, { ...step, op: "StepRun", status: "completed", data: op.data ?? null, attempted: true, startedAt });
        break;
      case "StepError":
        if (a.job.attempt + 1 < max) {
          await retryLater(a, retryAfter);
          retrying = true;
          await recordStep(tx, run.id, { ...step, op: "StepRun", status: "retrying", error: asError(op.error), attempted: true, startedAt });
          break;
        }
      // Out of attempts: the SDK should have said StepFailed; treat it as such.
      // falls through
      case "StepFailed":
        await recordStep(tx, run.id, { ...step, op: "StepRun", status: "failed", error: asError(op.error), attempted: true, startedAt });
        break;
      case "StepPlanned":
        if (await isMemoised(tx, run.id, op.id)) break;
        await recordStep(tx, run.id, { ...step, op: "StepRun", status: "planned" });
        await enqueueCall(tx, run, op.id, now);
        break;
      case "Sleep":
        await sleepStep(a, op, step);
        break;
      case "WaitForEvent":
        await waitStep(a, op, step);
        break;
      case "RunComplete":
        return completeRun(a, op.data);
      default:
        return failRun(a, { name: "UnsupportedOp", message: `The local executor does not support the "${op.op}" op` });
    }
  }
  if (!retrying) await deleteJob(tx, a.job.id);
  await continueRun(tx, run, now);
}

async function sleepStep(a: Applying, op: Op, step: { stepId: string; name: string | null; now: Date }): Promise<void> {
  let delay = delayUntil(op.name ?? "", a.now.getTime());
  if (delay === null) {
    a.ctx.logger.warn(`[executor] run ${a.run.id}: unreadable sleep "${op.name}"; waking at once`);
    delay = 0;
  }
  await recordStep(a.tx, a.run.id, { ...step, op: "Sleep", status: "sleeping" });
  await enqueue(a.tx, timerJob(a, op.id, "sleep", a.ctx.clock.scale(delay)));
}

async function waitStep(a: Applying, op: Op, step: { stepId: string; name: string | null; now: Date }): Promise<void> {
  const timeout = typeof op.opts?.timeout === "string" ? parseDuration(op.opts.timeout) : null;
  const expression = typeof op.opts?.if === "string" ? op.opts.if : null;
  await recordStep(a.tx, a.run.id, { ...step, op: "WaitForEvent", status: "waiting" });
  await enqueue(a.tx, {
    ...timerJob(a, op.id, "wait", a.ctx.clock.scale(timeout ?? 0)),
    eventName: op.name ?? null,
    expression,
  });
}

function timerJob(a: Applying, target: string, kind: "sleep" | "wait", delayMs: number) {
  return {
    runId: a.run.id,
    functionId: a.run.functionId,
    kind,
    target,
    runAt: new Date(a.now.getTime() + delayMs),
    priority: a.run.priority,
  };
}

/** Puts the job back for its next attempt: after `retry-after` if given, else exponential backoff. */
async function retryLater(a: Applying, retryAfter: string | null): Promise<void> {
  const delay = parseRetryAfter(retryAfter, a.now.getTime()) ?? backoffMs(a.job.attempt);
  await retryJob(a.tx, a.job, new Date(a.now.getTime() + a.ctx.clock.scale(delay)), a.run.priority);
}

async function completeRun(a: Applying, output: unknown): Promise<void> {
  a.finished = true;
  await finishRun(a.tx, a.run.id, { status: "completed", output: output ?? null }, a.now);
  await deleteRunJobs(a.tx, a.run.id);
}

/** Fails the run and emits `inngest/function.failed` in the same transaction, so `onFailure` runs exactly once. */
async function failRun(a: Applying, error: unknown): Promise<void> {
  a.finished = true;
  const serialized = asError(error);
  await finishRun(a.tx, a.run.id, { status: "failed", error: serialized }, a.now);
  await deleteRunJobs(a.tx, a.run.id);
  a.ctx.logger.warn(`[executor] run ${a.run.id} of ${a.run.functionId} failed: ${serialized.message}`);
  await ingestInTransaction(
    a.tx,
    a.ctx,
    [{ name: "inngest/function.failed", data: { function_id: a.run.functionId, run_id: a.run.id, error: serialized, event: a.run.event } }],
    null,
  );
}

/** Errors as the SDK serialises them (`{ name, message, stack? ... }`), whatever came back. */
function asError(error: unknown): { name: string; message: string; [key: string]: unknown } {
  if (error && typeof error === "object") {
    const record = error as Record<string, unknown>;
    const message = typeof record.message === "string" ? record.message : typeof record.error === "string" ? record.error : JSON.stringify(error);
    return { ...record, name: typeof record.name === "string" ? record.name : "Error", message };
  }
  return { name: "Error", message: String(error) };
}
