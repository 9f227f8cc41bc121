import type { Job } from "./jobs";
import { callUrl, classifyResponse, maxAttempts, type CallBody, type CallOutcome, type EventPayload, type Memo } from "./protocol";
import type { RegisteredFunction } from "./registry";
import type { Run } from "./runs";

/** One HTTP call to the serve URL, exactly as Inngest makes it (minus signing, as in dev mode). */

export interface CallInput {
  /** Offer the SDK checkpointing (`fn_id`, `qi_id`); it still decides per call. */
  checkpointing: boolean;
  fn: RegisteredFunction;
  run: Run;
  job: Job;
  memo: { steps: Record<string, Memo>; stack: string[] };
  signal: AbortSignal;
  /** The app this executor drives; calls go there whatever address the function was registered under. */
  serveUrl?: string;
}

export function buildCallBody({ checkpointing, fn, run, job, memo }: Omit<CallInput, "signal">): CallBody {
  const event = run.event as EventPayload;
  return {
    event,
    events: [event],
    steps: memo.steps,
    ctx: {
      // With `fn_id` the SDK checkpoints steps to POST /v1/checkpoint/:runId/async, naming the job by `qi_id`.
      ...(checkpointing && { fn_id: fn.id, qi_id: String(job.id) }),
      run_id: run.id,
      attempt: job.attempt,
      max_attempts: maxAttempts(fn.config),
      disable_immediate_execution: run.disableImmediateExecution,
      use_api: false,
      stack: { stack: memo.stack, current: memo.stack.length },
    },
    version: 2,
  };
}

export async function callFunction(input: CallInput): Promise<CallOutcome> {
  const url = callUrl(input.fn.url, input.job.target, input.serveUrl);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-inngest-req-version": "2" },
      body: JSON.stringify(buildCallBody(input)),
      signal: input.signal,
    });
    return classifyResponse(response.status, response.headers, await response.text());
  } catch (error) {
    // Unreachable app, reset connection or timeout: a retriable failure of this attempt.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: "error", retriable: true, error: { name: "CallFailed", message: `POST ${url} failed: ${message}` }, retryAfter: null };
  }
}
