import { InferenceClientProviderOutputError } from "@huggingface/inference";
import { GenerationFailure, type FailureCode } from "../failures";

/**
 * What the wrapping fetch saw of the last HTTP answer. The client keeps status and body in its
 * errors but drops the headers, so Retry-After can only come from here.
 */
export interface CapturedResponse {
  status: number;
  headers: Headers | Record<string, string>;
  body?: unknown;
}

interface HttpErrorLike {
  httpResponse: { status: number; body: unknown };
}

// PhotoMaker's pipeline raises "No face detected, please update the input face image(s)".
// Not "Cannot find any input face image!" — that one means no photo was sent (our bug: params).
export const NO_FACE = /no face (was )?detected|could not detect (a|any) face|no faces? (was |were )?found/i;

/**
 * Our own PhotoMaker V2 handler (inference/photomaker-v2/handler.py) says which of its two input
 * errors it is by a prefix, so nothing depends on the pipeline's wording.
 */
export const HANDLER_NO_FACE_PREFIX = "NO_FACE:";
export const HANDLER_INVALID_PREFIX = "INVALID:";

/**
 * PhotoMaker's trigger-word checks (predict.py of TencentARC/PhotoMaker, the Cog model on
 * Replicate): none, more than one, or one in the negative prompt. The request is wrong, not the model.
 */
export const TRIGGER_WORD_ERROR = /trigger word/i;

/** What a 4xx body says about the input: no face, or (anything else) invalid parameters. */
function inputProblem(body: unknown): FailureCode {
  const text = bodyText(body).trim();
  if (text.startsWith(HANDLER_NO_FACE_PREFIX)) return "NO_FACE_DETECTED";
  if (text.startsWith(HANDLER_INVALID_PREFIX)) return "PHOTOMAKER_INVALID_PARAMS";
  return NO_FACE.test(text) ? "NO_FACE_DETECTED" : "PHOTOMAKER_INVALID_PARAMS";
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Retry-After is either delta-seconds or an HTTP date; returns milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function header(headers: CapturedResponse["headers"] | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : (headers[key] ?? null);
}

/** The human part of an error body: {error}, {error:{message}}, {detail}, {message} or text. */
export function bodyText(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500);
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    for (const key of ["error", "detail", "message"]) {
      const v = b[key];
      if (typeof v === "string") return v;
      if (v && typeof v === "object" && typeof (v as { message?: unknown }).message === "string") {
        return (v as { message: string }).message;
      }
    }
    return JSON.stringify(body).slice(0, 500);
  }
  return "";
}

function isHttpError(error: unknown): error is HttpErrorLike {
  const r = (error as { httpResponse?: { status?: unknown } } | null)?.httpResponse;
  return typeof r?.status === "number";
}

/** Walks `cause` links: undici wraps the socket error in TypeError("fetch failed"). */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error, i = 0; e && i < 5; i++, e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

export function byStatus(status: number, body: unknown, retryAfter: string | null, detail: string): GenerationFailure {
  const code: FailureCode =
    status === 503
      ? "MODEL_LOADING" // every 503: a scale-to-zero endpoint booting; the policy's spaced retries fit
      : status === 429
        ? "RATE_LIMIT_EXCEEDED"
        : status === 401 || status === 403
          ? "AUTH_FAILED"
          : status === 402
            ? "PROVIDER_BILLING" // Hugging Face and Replicate both answer 402 when the account is out of credit
            : status === 400 || status === 413 || status === 422
              ? inputProblem(body)
              : "SERVER_ERROR"; // other 5xx (502 HTML from a proxy too) and unexpected 4xx
  const estimated = (body as { estimated_time?: unknown } | null)?.estimated_time;
  const retryAfterMs = code === "RATE_LIMIT_EXCEEDED" ? parseRetryAfter(retryAfter) : undefined;
  return new GenerationFailure(code, {
    status,
    detail: typeof estimated === "number" ? `${detail} (estimated_time ${estimated}s)` : detail,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/**
 * Turns anything thrown while calling an engine into a GenerationFailure. `response` is what
 * the wrapping fetch captured of the last answer (for Retry-After, and to tell "the server
 * answered 200 but we could not use it" from a transport failure).
 */
export function classifyError(error: unknown, response?: CapturedResponse): GenerationFailure {
  if (error instanceof GenerationFailure) return error;
  const chain = causes(error);
  const name = (e: unknown) => (e as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);

  // AbortSignal.timeout → TimeoutError; the caller's signal → AbortError. Both end the attempt
  // the same way for the workflow.
  const aborted = chain.find((e) => name(e) === "TimeoutError" || name(e) === "AbortError");
  if (aborted) {
    const why = name(aborted) === "TimeoutError" ? "timed out" : "aborted";
    return new GenerationFailure("GENERATION_TIMEOUT", { detail: `request ${why}`, cause: error });
  }

  if (isHttpError(error)) {
    const { status, body } = error.httpResponse;
    return byStatus(status, body, header(response?.headers, "retry-after"), `HTTP ${status}: ${bodyText(body) || message}`);
  }
  if (response && response.status >= 400) {
    const text = bodyText(response.body);
    return byStatus(response.status, response.body, header(response.headers, "retry-after"), `HTTP ${response.status}: ${text}`);
  }

  const network = chain.find((e) => {
    const code = (e as { code?: unknown } | null)?.code;
    return (typeof code === "string" && NETWORK_CODES.has(code)) || (e instanceof TypeError && e.message === "fetch failed");
  });
  if (network && !(response && response.status < 400)) {
    const code = (chain.map((e) => (e as { code?: unknown }).code).find((c) => typeof c === "string") as string) ?? "";
    return new GenerationFailure("NETWORK_ERROR", { detail: `${message}${code ? ` (${code})` : ""}`, cause: error });
  }

  // The server said 2xx but the client could not make an image of it (unknown JSON shape,
  // `data: []` → a TypeError deep in the client, or the client's own output check).
  if (error instanceof InferenceClientProviderOutputError || (response && response.status < 300)) {
    return new GenerationFailure("BAD_OUTPUT", { status: response?.status, detail: message, cause: error });
  }

  return new GenerationFailure("UNKNOWN", { detail: `${name(error) ?? "Error"}: ${message}`, cause: error });
}

/**
 * A model's own error for a run that ended `failed` (Replicate's prediction.error: the Python
 * exception's message). Input errors end the run for good; anything else (out of GPU memory, a
 * lost worker) is worth another try.
 */
export function classifyModelError(message: string, detail = message): GenerationFailure {
  const prefixed = inputProblem(message);
  const code: FailureCode = /^(NO_FACE|INVALID):/.test(message.trim())
    ? prefixed
    : NO_FACE.test(message)
      ? "NO_FACE_DETECTED"
      : TRIGGER_WORD_ERROR.test(message) || /cannot find any input face image/i.test(message)
        ? "PHOTOMAKER_INVALID_PARAMS"
        : "SERVER_ERROR";
  return new GenerationFailure(code, { detail });
}
