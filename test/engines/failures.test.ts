import { InferenceClientProviderApiError, InferenceClientProviderOutputError } from "@huggingface/inference";
import { describe, expect, it } from "vitest";
import { classifyError, classifyModelError, parseRetryAfter } from "~/server/engines/classify";
import {
  FAILURE_CODES,
  FAILURES,
  GenerationFailure,
  nextRetryDelay,
  PHOTOMAKER_TIMEOUT_MS,
  refundMessage,
  type FailureCode,
} from "~/server/failures";

/** Delays the workflow would wait after attempt 1, 2, 3… until null. */
function sequence(failure: GenerationFailure): (number | null)[] {
  const out: (number | null)[] = [];
  for (let attempts = 1; attempts <= 10; attempts++) {
    const delay = nextRetryDelay(failure, attempts);
    out.push(delay);
    if (delay === null) break;
  }
  return out;
}

describe("retry policy", () => {
  it("503 model loading: 5 s, 10 s, 20 s, then stop", () => {
    expect(sequence(new GenerationFailure("MODEL_LOADING"))).toEqual([5000, 10000, 20000, null]);
  });

  it("429 waits what Retry-After says, else 60 s, a bounded number of times", () => {
    expect(sequence(new GenerationFailure("RATE_LIMIT_EXCEEDED", { retryAfterMs: 42_000 }))).toEqual([42000, 42000, 42000, null]);
    expect(sequence(new GenerationFailure("RATE_LIMIT_EXCEEDED"))).toEqual([60000, 60000, 60000, null]);
    expect(nextRetryDelay(new GenerationFailure("RATE_LIMIT_EXCEEDED", { retryAfterMs: 0 }), 1)).toBe(0);
    // A provider asking for hours is not worth waiting for: stop (fallback / refund).
    expect(nextRetryDelay(new GenerationFailure("RATE_LIMIT_EXCEEDED", { retryAfterMs: 3_600_000 }), 1)).toBeNull();
  });

  it("timeout: exactly one more attempt", () => {
    expect(sequence(new GenerationFailure("GENERATION_TIMEOUT"))).toEqual([1000, null]);
    expect(PHOTOMAKER_TIMEOUT_MS).toBe(180_000);
  });

  it.each(["NO_FACE_DETECTED", "PHOTOMAKER_INVALID_PARAMS", "AUTH_FAILED", "PROVIDER_BILLING", "CONTENT_FILTERED", "UNKNOWN", "START_FAILED", "INTERNAL_ERROR"] as FailureCode[])(
    "%s: no retry",
    (code) => expect(sequence(new GenerationFailure(code))).toEqual([null]),
  );

  it("other server and network errors back off 2 s, 4 s, 8 s; bad output retries once", () => {
    expect(sequence(new GenerationFailure("SERVER_ERROR"))).toEqual([2000, 4000, 8000, null]);
    expect(sequence(new GenerationFailure("NETWORK_ERROR"))).toEqual([2000, 4000, 8000, null]);
    expect(sequence(new GenerationFailure("BAD_OUTPUT"))).toEqual([2000, null]);
  });

  it("FLUX stands in only for model-side failures", () => {
    const flux = FAILURE_CODES.filter((c) => FAILURES[c].fluxMayStandIn).sort();
    expect(flux).toEqual(
      ["BAD_OUTPUT", "GENERATION_TIMEOUT", "MODEL_LOADING", "NETWORK_ERROR", "RATE_LIMIT_EXCEEDED", "SERVER_ERROR", "UNKNOWN"].sort(),
    );
  });
});

describe("user messages", () => {
  it("are exactly the product's wording", () => {
    expect(FAILURES.MODEL_LOADING.userMessage).toBe("Model is loading, please wait…");
    expect(FAILURES.RATE_LIMIT_EXCEEDED.userMessage).toBe("API limit reached, generation queued");
    expect(FAILURES.GENERATION_TIMEOUT.userMessage).toBe("Generation timed out");
    expect(FAILURES.PHOTOMAKER_INVALID_PARAMS.userMessage).toBe("Invalid parameters");
    expect(FAILURES.NO_FACE_DETECTED.userMessage).toBe("We couldn't find a face in your photos");
    for (const code of FAILURE_CODES) expect(FAILURES[code].userMessage.length).toBeGreaterThan(5);
  });

  it("the safety filter's message is the product's, and names what to change", () => {
    expect(FAILURES.CONTENT_FILTERED.userMessage).toBe("The provider's safety filter withheld this result; try another prompt or photo");
    expect(refundMessage("CONTENT_FILTERED", 18)).toBe(
      "The provider's safety filter withheld this result; try another prompt or photo — your 18 credits were returned.",
    );
  });

  it("the refund message names the credits returned", () => {
    expect(refundMessage("GENERATION_TIMEOUT", 4)).toBe("Generation timed out — your 4 credits were returned.");
    expect(refundMessage("NO_FACE_DETECTED", 1)).toBe("We couldn't find a face in your photos — your 1 credit was returned.");
    // A final failure never says "please wait".
    expect(refundMessage("MODEL_LOADING", 8)).toBe("The model did not finish loading — your 8 credits were returned.");
    expect(refundMessage("START_FAILED", 2)).toBe("We couldn't start your generation — your 2 credits were returned.");
  });
});

describe("GenerationFailure", () => {
  it("survives a trip through JSON and through a serialised error message", () => {
    const original = new GenerationFailure("RATE_LIMIT_EXCEEDED", { retryAfterMs: 5000, status: 429, detail: "slow down" });
    const back = GenerationFailure.from(JSON.parse(JSON.stringify(original)));
    expect([back.code, back.retryAfterMs, back.status, back.detail]).toEqual(["RATE_LIMIT_EXCEEDED", 5000, 429, "slow down"]);
    expect(GenerationFailure.from({ name: "Error", message: original.message }).code).toBe("RATE_LIMIT_EXCEEDED");
    expect(GenerationFailure.from(new Error("boom")).code).toBe("UNKNOWN");
    expect(original.userMessage).toBe("API limit reached, generation queued");
  });
});

describe("classifyError (without a server)", () => {
  const apiError = (status: number, body: unknown) =>
    new InferenceClientProviderApiError("Failed to perform inference", { url: "http://x", method: "POST" }, {
      requestId: "",
      status,
      body: body as string,
    });

  it("maps raw DOMExceptions and fetch TypeErrors", () => {
    expect(classifyError(new DOMException("t", "TimeoutError")).code).toBe("GENERATION_TIMEOUT");
    expect(classifyError(new DOMException("a", "AbortError")).detail).toBe("request aborted");
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) });
    expect(classifyError(refused)).toMatchObject({ code: "NETWORK_ERROR", detail: "fetch failed (ECONNREFUSED)" });
  });

  it("maps HTTP statuses and bodies", () => {
    const cases: [number, unknown, FailureCode][] = [
      [503, { error: "Model x is currently loading", estimated_time: 12 }, "MODEL_LOADING"],
      [429, { error: "Rate limit reached" }, "RATE_LIMIT_EXCEEDED"],
      [400, { error: "No face detected, please update the input face image(s)" }, "NO_FACE_DETECTED"],
      [400, { error: "Cannot find any input face image! Please upload the face image" }, "PHOTOMAKER_INVALID_PARAMS"],
      [422, { detail: "width must be a multiple of 8" }, "PHOTOMAKER_INVALID_PARAMS"],
      [401, { error: "Invalid credentials" }, "AUTH_FAILED"],
      [403, "", "AUTH_FAILED"],
      [502, "", "SERVER_ERROR"],
      [404, { error: "Not Found" }, "SERVER_ERROR"],
      [402, { error: "You have exceeded your monthly included credits" }, "PROVIDER_BILLING"],
      // Our handler's prefixes decide, whatever the rest says.
      [400, { error: "NO_FACE: no face found in any of the 2 photos" }, "NO_FACE_DETECTED"],
      [400, { error: "INVALID: photo 1 is not a JPEG or PNG (no face detected before)" }, "PHOTOMAKER_INVALID_PARAMS"],
    ];
    for (const [status, body, code] of cases) {
      expect([status, classifyError(apiError(status, body)).code]).toEqual([status, code]);
    }
    expect(classifyError(apiError(503, { error: "loading", estimated_time: 12 })).detail).toContain("estimated_time 12s");
  });

  it("reads Retry-After from the captured headers, in seconds or as an HTTP date", () => {
    const headers = new Headers({ "Retry-After": "30" });
    expect(classifyError(apiError(429, ""), { status: 429, headers }).retryAfterMs).toBe(30_000);
    expect(classifyError(apiError(429, ""), { status: 429, headers: { "retry-after": "2" } }).retryAfterMs).toBe(2000);
    expect(classifyError(apiError(429, "")).retryAfterMs).toBeUndefined();
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:30 GMT", now)).toBe(90_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("a 2xx the client could not use is bad output; anything else unknown", () => {
    expect(classifyError(new InferenceClientProviderOutputError("malformed")).code).toBe("BAD_OUTPUT");
    // `{data: []}` makes the client read data[0].b64_json of undefined: a TypeError after a 200.
    const typeError = new TypeError("Cannot read properties of undefined (reading 'b64_json')");
    expect(classifyError(typeError, { status: 200, headers: {} }).code).toBe("BAD_OUTPUT");
    expect(classifyError(typeError).code).toBe("UNKNOWN");
    const known = new GenerationFailure("NO_FACE_DETECTED");
    expect(classifyError(known)).toBe(known);
  });
});

describe("classifyModelError (a run that ended `failed`)", () => {
  it.each([
    ["Cannot find the trigger word 'img' in text prompt!", "PHOTOMAKER_INVALID_PARAMS"],
    ["Cannot use multiple trigger words 'img' in text prompt!", "PHOTOMAKER_INVALID_PARAMS"],
    ["Cannot use trigger word 'img' in negative prompt!", "PHOTOMAKER_INVALID_PARAMS"],
    ["Cannot find any input face image! Please refer to step 1", "PHOTOMAKER_INVALID_PARAMS"],
    ["No face detected, please update the input face image(s)", "NO_FACE_DETECTED"],
    ["NO_FACE: no face found in any of the 1 photos", "NO_FACE_DETECTED"],
    ["CUDA out of memory. Tried to allocate 2.00 GiB", "SERVER_ERROR"],
  ] as const)("%s → %s", (message, code) => {
    expect(classifyModelError(message).code).toBe(code);
  });
});
