import { z } from "zod";

/**
 * The wire formats of Inngest's SDK protocol, as `inngest@4` speaks it. Parsing is lenient
 * (`passthrough`): the executor reads the fields it acts on and keeps the rest.
 */

const concurrencyOption = z.object({
  limit: z.number(),
  key: z.string().optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});
export type ConcurrencyOption = z.infer<typeof concurrencyOption>;

export const functionConfigSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    triggers: z
      .array(
        z.union([
          z.object({ event: z.string(), expression: z.string().optional() }).passthrough(),
          z.object({ cron: z.string() }).passthrough(),
        ]),
      )
      .default([]),
    steps: z.record(
      z.string(),
      z
        .object({
          runtime: z.object({ type: z.string().optional(), url: z.string() }).passthrough(),
          retries: z.object({ attempts: z.number().optional() }).passthrough().optional(),
        })
        .passthrough(),
    ),
    concurrency: z.union([z.number(), concurrencyOption, z.array(concurrencyOption)]).optional(),
    priority: z.object({ run: z.string().optional() }).passthrough().optional(),
    /** `cancelOn`, as the SDK registers it: the event name, `if` (`event.…` = the run's trigger, `async.…` = the new event), timeout. */
    cancel: z
      .array(z.object({ event: z.string(), if: z.string().optional(), timeout: z.string().optional() }).passthrough())
      .optional(),
  })
  .passthrough();
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

/** `POST /fn/register`: what the SDK sends when the serve URL receives a PUT. */
export const registerBodySchema = z
  .object({
    url: z.string(),
    appName: z.string(),
    functions: z.array(functionConfigSchema),
    sdk: z.string().optional(),
  })
  .passthrough();

/** `POST /e/:key`: one event or an array of them. */
export const incomingEventSchema = z
  .object({
    name: z.string().min(1),
    data: z.record(z.string(), z.unknown()).nullish(),
    id: z.string().optional(),
    ts: z.number().optional(),
    user: z.unknown().optional(),
    v: z.string().optional(),
  })
  .passthrough();
export type IncomingEvent = z.infer<typeof incomingEventSchema>;
export const incomingEventsSchema = z.union([incomingEventSchema, z.array(incomingEventSchema)]);

/** An event as functions receive it. */
export interface EventPayload {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  [extra: string]: unknown;
}

/** One op of a 206 response. */
export const opSchema = z
  .object({
    op: z.string(),
    id: z.string().min(1),
    name: z.string().optional(),
    displayName: z.string().optional(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
    opts: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();
export type Op = z.infer<typeof opSchema>;
const opsSchema = z.union([z.array(opSchema), opSchema.transform((op) => [op])]);

/** A memoised step as the SDK expects it in the request's `steps`. */
export type Memo = { data: unknown } | { error: unknown };

export interface CallBody {
  event: EventPayload;
  events: EventPayload[];
  steps: Record<string, Memo>;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: false;
    fn_id?: string;
    qi_id?: string;
    stack: { stack: string[]; current: number };
  };
  version: 2;
}

/** What a call to the serve URL came back with, reduced to what the executor acts on. */
export type CallOutcome =
  | { kind: "complete"; output: unknown }
  | { kind: "ops"; ops: Op[]; retryAfter: string | null }
  | { kind: "error"; retriable: boolean; error: unknown; retryAfter: string | null };

/** Classifies a serve-URL response (status, `x-inngest-no-retry`, `retry-after`, body). */
export function classifyResponse(status: number, headers: Headers, text: string): CallOutcome {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  const retryAfter = headers.get("retry-after");
  if (status === 200) return { kind: "complete", output: body };
  if (status === 206) {
    const ops = opsSchema.safeParse(body);
    if (ops.success && ops.data.length > 0) return { kind: "ops", ops: ops.data, retryAfter };
    return { kind: "error", retriable: true, error: { name: "Error", message: `Malformed 206 response: ${text.slice(0, 200)}` }, retryAfter };
  }
  const noRetry = headers.get("x-inngest-no-retry") === "true" || status === 400;
  const error = body && typeof body === "object" ? body : { name: "Error", message: `HTTP ${status}: ${String(body ?? "").slice(0, 500)}` };
  return { kind: "error", retriable: !noRetry, error, retryAfter };
}

/** The URL of one call: the registered step URL, with `stepId` set to "step" or a planned step's id. */
/**
 * Where a call goes: the app this executor drives (`serveUrl`), with the registered function's
 * query (fnId) and the step. Several app instances register the same functions, each under its
 * own address, and the registry keeps whichever synced last; each instance's executor calls its
 * own app, so a dead instance's address is never called by the others.
 */
export function callUrl(registeredUrl: string, target: string, serveUrl?: string): string {
  const url = new URL(serveUrl ?? registeredUrl);
  for (const [key, value] of new URL(registeredUrl).searchParams) url.searchParams.set(key, value);
  url.searchParams.set("stepId", target);
  return url.toString();
}

/** `max_attempts` for a function: its configured retries plus the first attempt (SDK default: 3 retries). */
export function maxAttempts(config: FunctionConfig): number {
  const retries = config.steps["step"]?.retries?.attempts ?? 3;
  return Math.max(1, retries + 1);
}

/** Normalises `concurrency` to its list of limits. */
export function concurrencyLimits(config: FunctionConfig): ConcurrencyOption[] {
  const value = config.concurrency;
  if (value === undefined) return [];
  if (typeof value === "number") return value > 0 ? [{ limit: value }] : [];
  return (Array.isArray(value) ? value : [value]).filter((option) => option.limit > 0);
}

/** Function config fields the local executor does not implement (logged once at sync). */
export const IGNORED_CONFIG_FIELDS = [
  "throttle",
  "debounce",
  "rateLimit",
  "batchEvents",
  "singleton",
  "idempotency",
  "timeouts",
] as const;
