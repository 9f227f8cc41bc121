/**
 * Generation failures: every code, its retry policy, its user message and whether FLUX may
 * stand in — one table. The workflow (src/server/jobs) asks `nextRetryDelay` what to do and
 * shows `userMessage` / `refundMessage`; the engines (src/server/engines) only classify.
 */

export type FailureCode =
  | "MODEL_LOADING"
  | "RATE_LIMIT_EXCEEDED"
  | "GENERATION_TIMEOUT"
  | "PHOTOMAKER_INVALID_PARAMS"
  | "NO_FACE_DETECTED"
  | "AUTH_FAILED"
  /** 402 / the provider's account is out of credit: an operator must pay; nobody else can fix it. */
  | "PROVIDER_BILLING"
  /** The provider ran the model but its safety checker withheld every image (Replicate: succeeded, output []). */
  | "CONTENT_FILTERED"
  /** 200 with HTML, unknown JSON, or bytes that are not an image. */
  | "BAD_OUTPUT"
  /** Any other HTTP error status from the server (5xx, unexpected 4xx). */
  | "SERVER_ERROR"
  /** Connection refused / reset / DNS: no HTTP answer at all. */
  | "NETWORK_ERROR"
  /** Not an HTTP answer and not a known transport error (a bug, a client input error). */
  | "UNKNOWN"
  /** Not engine failures, for the generation row: the Inngest event could not be sent. */
  | "START_FAILED"
  /** The workflow itself crashed past Inngest's retries (onFailure). */
  | "INTERNAL_ERROR"
  /** Unfinished long past the slowest legitimate run: ended by the sweeper. */
  | "STUCK"
  /** Ended by an operator from the console (src/server/generations/interventions.ts). */
  | "CANCELLED";

export interface FailurePolicy {
  /** Shown while the generation is in this state (and, by default, when it finally fails). */
  userMessage: string;
  /** Shown in the refund message when the generation finally fails, if `userMessage` reads as "still going". */
  finalMessage?: string;
  /** One delay per extra attempt; [] = no retry. */
  retryDelaysMs: readonly number[];
  /** 429: wait what Retry-After says, else `defaultMs`; a wait beyond `maxMs` is not worth it (stop). */
  useRetryAfter?: { defaultMs: number; maxMs: number };
  /** Whether FLUX (no identity) may be used once PhotoMaker has given up with this code. */
  fluxMayStandIn: boolean;
}

/** PhotoMaker on SDXL takes ~30–90 s; past 3 minutes the request is aborted (one place). */
export const PHOTOMAKER_TIMEOUT_MS = 180_000;

const SERVER_BACKOFF_MS = [2_000, 4_000, 8_000] as const;

export const FAILURES: Record<FailureCode, FailurePolicy> = {
  // Scale-to-zero endpoints answer 503 while the GPU boots (minutes): spaced retries.
  MODEL_LOADING: {
    userMessage: "Model is loading, please wait…",
    finalMessage: "The model did not finish loading",
    retryDelaysMs: [5_000, 10_000, 20_000],
    fluxMayStandIn: true,
  },
  RATE_LIMIT_EXCEEDED: {
    userMessage: "API limit reached, generation queued",
    finalMessage: "API limit reached",
    retryDelaysMs: [60_000, 60_000, 60_000],
    useRetryAfter: { defaultMs: 60_000, maxMs: 15 * 60_000 },
    fluxMayStandIn: true,
  },
  // We already waited PHOTOMAKER_TIMEOUT_MS: one more try, straight away (1 s breathing room).
  GENERATION_TIMEOUT: {
    userMessage: "Generation timed out",
    retryDelaysMs: [1_000],
    fluxMayStandIn: true,
  },
  // The request itself is wrong: retrying or switching model would not help, and FLUX would
  // hide a bug in our prompt builder behind an image without the user's face.
  PHOTOMAKER_INVALID_PARAMS: { userMessage: "Invalid parameters", retryDelaysMs: [], fluxMayStandIn: false },
  // The user's photos are the problem, not the model.
  NO_FACE_DETECTED: {
    userMessage: "We couldn't find a face in your photos",
    retryDelaysMs: [],
    fluxMayStandIn: false,
  },
  // An operator misconfiguration (bad or expired token, no access to the endpoint). No FLUX:
  // the same token usually fails there too, and a silent identity-less fallback would mask an
  // outage that needs a human.
  AUTH_FAILED: {
    userMessage: "The image service rejected our credentials, please try again later",
    retryDelaysMs: [],
    fluxMayStandIn: false,
  },
  // The provider's account is out of credit (HTTP 402). Same reasoning as AUTH_FAILED: FLUX on the
  // same account fails too; the engine also raises an operator alert (logs and system.health).
  PROVIDER_BILLING: {
    userMessage: "The image service is unavailable right now, please try again later",
    retryDelaysMs: [],
    fluxMayStandIn: false,
  },
  // The model ran and its safety checker dropped the image. Running it again (or FLUX, which has a
  // checker too) would mostly spend money on the same verdict: the user changes prompt or photo.
  CONTENT_FILTERED: {
    userMessage: "The provider's safety filter withheld this result; try another prompt or photo",
    retryDelaysMs: [],
    fluxMayStandIn: false,
  },
  // A handler answering HTML/unknown JSON is usually broken for every call: one retry only
  // (each attempt costs a GPU run).
  BAD_OUTPUT: {
    userMessage: "The image service returned something that is not an image",
    retryDelaysMs: [2_000],
    fluxMayStandIn: true,
  },
  SERVER_ERROR: {
    userMessage: "The image service had an error, retrying…",
    finalMessage: "The image service had an error",
    retryDelaysMs: SERVER_BACKOFF_MS,
    fluxMayStandIn: true,
  },
  NETWORK_ERROR: {
    userMessage: "Couldn't reach the image service, retrying…",
    finalMessage: "Couldn't reach the image service",
    retryDelaysMs: SERVER_BACKOFF_MS,
    fluxMayStandIn: true,
  },
  // Unexpected: don't loop on a bug; not the user's fault, so FLUX may still help.
  UNKNOWN: { userMessage: "Something went wrong during generation", retryDelaysMs: [], fluxMayStandIn: true },
  // Workflow-level codes (never thrown by an engine): one table for every message a user sees.
  START_FAILED: { userMessage: "We couldn't start your generation", retryDelaysMs: [], fluxMayStandIn: false },
  INTERNAL_ERROR: { userMessage: "Something went wrong on our side", retryDelaysMs: [], fluxMayStandIn: false },
  STUCK: { userMessage: "The generation did not finish in time", retryDelaysMs: [], fluxMayStandIn: false },
  CANCELLED: { userMessage: "Cancelled by support", retryDelaysMs: [], fluxMayStandIn: false },
};

/** What the user sees of a generation support cancelled (its refund is shown beside it). */
export const CANCELLED_BY_SUPPORT = "Cancelled by support — credits returned";

export const FAILURE_CODES = Object.keys(FAILURES) as FailureCode[];

export function isFailureCode(value: unknown): value is FailureCode {
  return typeof value === "string" && Object.hasOwn(FAILURES, value);
}

export interface GenerationFailureInit {
  retryAfterMs?: number;
  status?: number;
  /** The provider's id for the run that failed (Replicate's prediction id), for the attempt record. */
  predictionId?: string;
  /** Technical detail for logs and the generation row (never shown as the user message). */
  detail?: string;
  cause?: unknown;
}

export class GenerationFailure extends Error {
  readonly code: FailureCode;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly detail?: string;
  readonly predictionId?: string;

  constructor(code: FailureCode, init: GenerationFailureInit = {}) {
    // "[CODE] detail" so the code survives Inngest's error serialisation (name/message/stack).
    super(`[${code}] ${init.detail ?? FAILURES[code].userMessage}`, { cause: init.cause });
    this.name = "GenerationFailure";
    this.code = code;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.status !== undefined) this.status = init.status;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.predictionId !== undefined) this.predictionId = init.predictionId;
  }

  get userMessage(): string {
    return FAILURES[this.code].userMessage;
  }

  toJSON(): { name: string; code: FailureCode; message: string; retryAfterMs?: number; status?: number; detail?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.detail !== undefined && { detail: this.detail }),
    };
  }

  /**
   * Rebuilds a failure after a trip through JSON (an Inngest step result or a serialised
   * error): uses `code` if present, else the "[CODE]" message prefix, else UNKNOWN.
   */
  static from(value: unknown): GenerationFailure {
    if (value instanceof GenerationFailure) return value;
    const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    const message = typeof v.message === "string" ? v.message : String(value);
    const prefixed = /^\[([A-Z_]+)\]\s*(.*)$/s.exec(message);
    const code = isFailureCode(v.code) ? v.code : isFailureCode(prefixed?.[1]) ? prefixed[1] : "UNKNOWN";
    return new GenerationFailure(code, {
      detail: typeof v.detail === "string" ? v.detail : (prefixed?.[2] ?? message),
      ...(typeof v.retryAfterMs === "number" && { retryAfterMs: v.retryAfterMs }),
      ...(typeof v.status === "number" && { status: v.status }),
    });
  }
}

/**
 * How long to wait before the next attempt, or null to stop retrying.
 * `attemptsSoFar` counts the attempts already made, including the one that just failed
 * (so after the first failure pass 1).
 */
export function nextRetryDelay(failure: GenerationFailure, attemptsSoFar: number): number | null {
  const policy = FAILURES[failure.code];
  const index = Math.max(0, attemptsSoFar - 1);
  const planned = policy.retryDelaysMs[index];
  if (planned === undefined) return null;
  if (!policy.useRetryAfter) return planned;
  const wanted = failure.retryAfterMs ?? policy.useRetryAfter.defaultMs;
  return wanted > policy.useRetryAfter.maxMs ? null : Math.max(0, wanted);
}

/** The final user-facing message of a failed, refunded generation. */
export function refundMessage(code: FailureCode, credits: number): string {
  const policy = FAILURES[code];
  const what = policy.finalMessage ?? policy.userMessage;
  const unit = credits === 1 ? "credit was" : "credits were";
  return `${what.replace(/[.…!]+$/, "")} — your ${credits} ${unit} returned.`;
}
