import type { Inngest } from "inngest";
import { FAILURES, GenerationFailure, nextRetryDelay, type FailureCode } from "../failures";
import { completeGeneration, failGeneration } from "../generations/store";
import {
  loadInputs,
  noteFallback,
  noteRetry,
  runEngineAttempt,
  saveAvatar,
  type EngineOutcome,
  type WorkflowDeps,
} from "../generations/work";
import { GENERATION_CANCELLED, GENERATION_REQUESTED } from "./events";

/**
 * generate-avatar: the story of one paid generation.
 *   load the photos → PhotoMaker, retried as its failure's policy says → FLUX if PhotoMaker gave
 *   up for model-side reasons → save the image → done. Whatever fails for good is refunded once.
 * Each step is memoised by Inngest, so a crash resumes where it stopped and never repeats a
 * finished step; step bodies live in src/server/generations/work.ts.
 */
export function createGenerateAvatar(inngest: Inngest, getDeps: () => Promise<WorkflowDeps>, options: { concurrency: number }) {
  return inngest.createFunction(
    {
      id: "generate-avatar",
      triggers: [{ event: GENERATION_REQUESTED }],
      concurrency: { limit: options.concurrency },
      // Higher tiers wait less in the queue (seconds ahead, set per tier in tiers.ts).
      priority: { run: "event.data.priority" },
      // Retries here cover crashes and bugs; engine failures follow FAILURES' policies below.
      retries: 2,
      // An operator's cancel (generations/interventions.ts) ends the run; the generation is already
      // failed and refunded by then, and a step still in flight finds it so.
      cancelOn: [{ event: GENERATION_CANCELLED, match: "data.generationId" }],
      onFailure: async ({ event }) => {
        const deps = await getDeps();
        await failGeneration(deps, String(event.data.event.data.generationId), "INTERNAL_ERROR");
      },
    },
    async ({ event, step }) => {
      const deps = await getDeps();
      const id = String(event.data.generationId);

      const inputs = await step.run("load-input-photos", () => loadInputs(deps, id));
      if (!inputs.runnable) return { skipped: inputs.reason };

      let outcome: EngineOutcome = { ok: false, code: "UNKNOWN", message: "", retryAfterMs: null };
      for (let attempt = 1; ; attempt++) {
        outcome = await step.run(`photomaker-attempt-${attempt}`, () => runEngineAttempt(deps, id, "photomaker", attempt));
        if (outcome.ok) break;
        const delay = nextRetryDelay(asFailure(outcome), attempt);
        if (delay === null) break;
        const code = outcome.code;
        await step.run(`note-retry-${attempt}`, () => noteRetry(deps, id, code, delay));
        await step.sleep(`wait-before-attempt-${attempt + 1}`, delay);
      }

      if (!outcome.ok && FAILURES[outcome.code].fluxMayStandIn) {
        const code = outcome.code;
        await step.run("note-fallback", () => noteFallback(deps, id, code));
        outcome = await step.run("flux-fallback", () => runEngineAttempt(deps, id, "flux", 1));
      }

      if (!outcome.ok) {
        const code = outcome.code;
        await step.run("fail-and-refund", () => endAsFailed(deps, id, code));
        return { status: "failed", code };
      }

      const made = outcome;
      const saved = await step.run("save-avatar", () => saveAvatar(deps, id, made));
      if (!saved.saved) {
        await step.run("fail-and-refund", () => endAsFailed(deps, id, saved.code));
        return { status: "failed", code: saved.code };
      }
      await step.run("finish", async () => {
        // (A save memoised before `owner` was returned leaves it to be read.)
        await completeGeneration(deps, id, made.engine, saved.owner);
      });
      return { status: "succeeded", engine: made.engine };
    },
  );
}

/** The step's memo is what it returns: the outcome, not the whole generation row. */
async function endAsFailed(deps: WorkflowDeps, id: string, code: FailureCode) {
  const ended = await failGeneration(deps, id, code);
  return { status: ended?.status ?? "missing", code };
}

function asFailure(outcome: Extract<EngineOutcome, { ok: false }>): GenerationFailure {
  return new GenerationFailure(outcome.code, outcome.retryAfterMs === null ? {} : { retryAfterMs: outcome.retryAfterMs });
}
