import { createServer } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEngine, createHuggingFaceEngine, redirectHuggingFaceHosts, type Engine } from "~/server/engines";
import { clearEngineAlert, engineAlert } from "~/server/engines/alerts";
import { parseEnv } from "~/server/env";
import { GenerationFailure, nextRetryDelay, type FailureCode } from "~/server/failures";
import { fakePng, startFakeHuggingFace, type FakeAnswer, type FakeHuggingFace } from "../fakes/huggingface";
import { makeInput, rejection } from "./fixtures";

let fake: FakeHuggingFace;
let engine: Engine;
let modelCounter = 0;

/** The client caches Hub mappings per model id for the process: a fresh id per FLUX test. */
const freshFluxModel = () => `black-forest-labs/FLUX.1-schnell-t${++modelCounter}`;

function engineWith(overrides: Partial<Parameters<typeof createHuggingFaceEngine>[0]> = {}): Engine {
  return createHuggingFaceEngine({
    token: "hf_test_token",
    endpointUrl: fake.photomakerUrl,
    fluxModel: "black-forest-labs/FLUX.1-schnell",
    fluxProvider: "hf-inference",
    fetch: redirectHuggingFaceHosts(fake.url),
    timeoutMs: 5_000,
    ...overrides,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<GenerationFailure> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(GenerationFailure);
  return error as GenerationFailure;
}

/** A port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  fake = await startFakeHuggingFace();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  engine = engineWith();
});

describe("PhotoMaker through the Hugging Face engine", () => {
  it("sends one JSON request with the prompt, PhotoMaker parameters and base64 photos, and returns a real image", async () => {
    const input = await makeInput();
    const image = await engine.photomaker(input);

    expect(image).toMatchObject({ engine: "photomaker", model: "TencentARC/PhotoMaker-V2", offlinePreview: false, contentType: "image/png" });
    const meta = await sharp(image.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 96, 128]);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: "/photomaker", target: "photomaker", answer: "image" });
    expect(request!.headers.authorization).toBe("Bearer hf_test_token");
    expect(request!.headers["content-type"]).toBe("application/json");
    // Without it the endpoint toolkit answers JSON (a base64 string) and the client fails.
    expect(request!.headers.accept).toBe("image/png");
    expect(request!.body).toEqual({
      inputs: input.prompt,
      parameters: {
        negative_prompt: input.negativePrompt,
        width: 96,
        height: 128,
        num_inference_steps: 50,
        guidance_scale: 5,
        style_strength_ratio: 20,
        seed: 1234,
        num_images_per_prompt: 1,
      },
      input_id_images: input.photos.map((p) => p.toString("base64")),
    });
  });

  it("accepts the {data:[{b64_json}]} answer", async () => {
    fake.enqueue("b64json");
    const input = await makeInput();
    const image = await engine.photomaker(input);
    expect(image.bytes.equals(await fakePng(96, 128, `${input.prompt}|1234`))).toBe(true);
    expect(image.contentType).toBe("image/png"); // judged from the bytes, not the client's data: URL
  });

  const table: [FakeAnswer, FailureCode, number | undefined][] = [
    ["no-face", "NO_FACE_DETECTED", 400],
    ["bad-trigger", "PHOTOMAKER_INVALID_PARAMS", 400],
    ["no-input-image", "PHOTOMAKER_INVALID_PARAMS", 400],
    ["unauthorized", "AUTH_FAILED", 401],
    [{ kind: "loading", estimatedTime: 37 }, "MODEL_LOADING", 503],
    [{ kind: "rate-limit" }, "RATE_LIMIT_EXCEEDED", 429],
    ["server-error", "SERVER_ERROR", 500],
    ["bad-gateway-html", "SERVER_ERROR", 502],
    ["html-200", "BAD_OUTPUT", 200],
    ["unknown-json", "BAD_OUTPUT", 200],
  ];
  it.each(table)("%j → %s, after exactly one request", async (answer, code, status) => {
    fake.enqueue(answer);
    const failure = await failureOf(engine.photomaker(await makeInput()));
    expect({ code: failure.code, status: failure.status }).toEqual({ code, status });
    // No client-side retry (retry_on_error: false): give a storm time to show, then count.
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests.map((r) => r.answer)).toEqual([answer]);
  });

  it("503 keeps the server's message and estimated time for the generation row", async () => {
    fake.enqueue({ kind: "loading", estimatedTime: 37 });
    const failure = await failureOf(engine.photomaker(await makeInput()));
    expect(failure.detail).toBe("HTTP 503: Model TencentARC/PhotoMaker-V2 is currently loading (estimated_time 37s)");
    expect(nextRetryDelay(failure, 1)).toBe(5000);
  });

  it("429 carries Retry-After (which the client itself drops) into the retry delay", async () => {
    fake.enqueue({ kind: "rate-limit", retryAfterSeconds: 42 }, { kind: "rate-limit" });
    const withHeader = await failureOf(engine.photomaker(await makeInput()));
    expect(withHeader.retryAfterMs).toBe(42_000);
    expect(nextRetryDelay(withHeader, 1)).toBe(42_000);
    const without = await failureOf(engine.photomaker(await makeInput()));
    expect(without.retryAfterMs).toBeUndefined();
    expect(nextRetryDelay(without, 1)).toBe(60_000);
  });

  it("401 raises an operator alert that health reports, until the endpoint serves an image", async () => {
    fake.enqueue({ kind: "rate-limit" });
    await failureOf(engine.photomaker(await makeInput()));
    fake.enqueue("unauthorized");
    await failureOf(engine.photomaker(await makeInput()));
    expect(engineAlert("huggingface")).toMatchObject({ code: "AUTH_FAILED" });
    expect(await engine.health()).toMatchObject({ ok: false, alert: "AUTH_FAILED: HTTP 401: Invalid credentials in Authorization header" });
    await engine.photomaker(await makeInput());
    expect(engineAlert("huggingface")).toBeNull();
  });

  it("a request without a token is refused like the real endpoint", async () => {
    const failure = await failureOf(engineWith({ token: "" }).photomaker(await makeInput()));
    expect(failure.code).toBe("AUTH_FAILED");
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("a hang is aborted at the timeout as GENERATION_TIMEOUT", async () => {
    fake.enqueue("hang");
    const started = Date.now();
    const failure = await failureOf(engineWith({ timeoutMs: 300 }).photomaker(await makeInput()));
    expect(failure.code).toBe("GENERATION_TIMEOUT");
    expect(failure.detail).toBe("request timed out");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("the caller's signal aborts the attempt too", async () => {
    fake.enqueue("hang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const failure = await failureOf(engine.photomaker(await makeInput(), { signal: controller.signal }));
    expect([failure.code, failure.detail]).toEqual(["GENERATION_TIMEOUT", "request aborted"]);
  });

  it("a refused connection is NETWORK_ERROR", async () => {
    const port = await closedPort();
    const failure = await failureOf(engineWith({ endpointUrl: `http://127.0.0.1:${port}/photomaker` }).photomaker(await makeInput()));
    expect(failure.code).toBe("NETWORK_ERROR");
    expect(failure.detail).toContain("ECONNREFUSED");
  });

  it("health: any HTTP answer is reachable, a closed port is not", async () => {
    clearEngineAlert("huggingface"); // raised by the 401 cases above
    expect(await engine.health()).toEqual({
      ok: true,
      detail: "PhotoMaker endpoint answered HTTP 200",
      photomaker: { model: "TencentARC/PhotoMaker-V2", version: null, label: "PhotoMaker V2" },
      alert: null,
    });
    expect(fake.requests.map((r) => [r.method, r.target])).toEqual([["GET", "health"]]);
    const port = await closedPort();
    const down = await engineWith({ endpointUrl: `http://127.0.0.1:${port}/photomaker` }).health();
    expect(down.ok).toBe(false);
    expect(down.detail).toContain("NETWORK_ERROR");
  });
});

describe("FLUX fallback through the redirected Hub and router", () => {
  it("looks up the hf-inference mapping, then posts a trigger-free prompt with FLUX parameters", async () => {
    const model = freshFluxModel();
    const input = await makeInput({ width: 100, height: 90, fluxPrompt: "a photo of a woman img, wearing a suit" });
    const image = await engineWith({ fluxModel: model }).flux(input);

    expect(image).toMatchObject({ engine: "flux", model, offlinePreview: false, contentType: "image/png" });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/models/${model}?expand[]=inferenceProviderMapping`,
      `POST /hf-inference/models/${model}`,
    ]);
    const body = fake.requests[1]!.body as { inputs: string };
    expect(body).toEqual({
      inputs: "a photo of a woman, wearing a suit",
      parameters: { width: 96, height: 96, num_inference_steps: 4, guidance_scale: 0, seed: 1234 },
    });
    expect(body.inputs).not.toMatch(/\bimg\b/);
    expect(fake.requests[1]!.headers.authorization).toBe("Bearer hf_test_token");
  });

  it("FLUX failures are classified like PhotoMaker's, with one router request", async () => {
    const flux = engineWith({ fluxModel: freshFluxModel() });
    fake.enqueueFlux({ kind: "loading" }, "html-200");
    expect((await failureOf(flux.flux(await makeInput()))).code).toBe("MODEL_LOADING");
    expect((await failureOf(flux.flux(await makeInput()))).code).toBe("BAD_OUTPUT");
    // The mapping is cached after the first call: one lookup, two router calls.
    expect(fake.requests.map((r) => r.target)).toEqual(["hub", "flux", "flux"]);
  });

  it("createEngine wires HUGGINGFACE_HOSTS_OVERRIDE, so FLUX reaches the fake from env alone", async () => {
    const model = freshFluxModel();
    const configured = createEngine({
      ...parseEnv({}),
      GENERATION_ENGINE: "auto",
      HUGGINGFACE_API_KEY: "hf_env_token",
      PHOTOMAKER_ENDPOINT_URL: fake.photomakerUrl,
      FLUX_MODEL: model,
      FLUX_PROVIDER: "hf-inference",
      HUGGINGFACE_HOSTS_OVERRIDE: fake.url,
    });
    expect(configured.name).toBe("huggingface");
    expect((await configured.flux(await makeInput())).model).toBe(model);
    expect((await configured.photomaker(await makeInput())).engine).toBe("photomaker");
    expect(fake.requests.map((r) => r.target)).toEqual(["hub", "flux", "photomaker"]);
    expect(fake.requests.every((r) => r.target === "hub" || r.headers.authorization === "Bearer hf_env_token")).toBe(true);
  });
});
