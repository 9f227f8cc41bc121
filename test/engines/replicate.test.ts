import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { engineAlert } from "~/server/engines/alerts";
import { createReplicateEngine, type ReplicateEngineOptions } from "~/server/engines/replicate";
import { forgetResolvedModels } from "~/server/engines/replicate-models";
import type { Engine, EngineProgress } from "~/server/engines/types";
import { GenerationFailure, nextRetryDelay, type FailureCode } from "~/server/failures";
import { startFakeReplicate, type FakeReplicate, type FakeReplicateAnswer } from "../fakes/replicate";
import { makeInput, makePhoto, rejection } from "./fixtures";

let fake: FakeReplicate;

function engineWith(overrides: Partial<ReplicateEngineOptions> = {}): Engine {
  return createReplicateEngine({
    token: "r8_test_token",
    baseUrl: fake.baseUrl,
    photomakerModel: "tencentarc/photomaker",
    fluxModel: "black-forest-labs/flux-schnell",
    timeoutMs: 5_000,
    pollIntervalMs: 20,
    logger: { error() {}, warn() {} },
    ...overrides,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<GenerationFailure> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(GenerationFailure);
  return error as GenerationFailure;
}

const creates = () => fake.requests.filter((r) => r.route === "create");

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  forgetResolvedModels();
});

describe("PhotoMaker on Replicate", () => {
  it("sends one prediction with a data: URI per photo and the mapped fields, and fits the 1024² output to the tier", async () => {
    const input = await makeInput({ style: "Photographic (Default)", prompt: "cinematic photo a photo of a woman img, wearing a suit . 35mm photograph, film, bokeh, professional, 4k, highly detailed" });
    const seen: EngineProgress["status"][] = [];
    const image = await engineWith({ timeoutMs: 10_000 }).photomaker(input, { onProgress: (p) => seen.push(p.status) });

    expect(image).toMatchObject({
      engine: "photomaker",
      provider: "replicate",
      model: "tencentarc/photomaker",
      version: fake.photomakerVersion,
      predictionId: fake.predictions[0]!.id,
      modelWidth: 1024,
      modelHeight: 1024,
      contentType: "image/png",
      offlinePreview: false,
    });
    const meta = await sharp(image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([96, 128]);

    const [create] = creates();
    expect(create!.path).toBe("/v1/predictions");
    expect(create!.headers.authorization).toBe("Bearer r8_test_token");
    // Held for the time left before our deadline, minus a margin (at most Replicate's 60 s).
    expect(create!.headers.prefer).toMatch(/^wait=[34]$/);
    expect(create!.headers["cancel-after"]).toBe("40s");
    const body = create!.body as { version: string; input: Record<string, unknown> };
    expect(body.version).toBe(fake.photomakerVersion);
    expect(body.input).toEqual({
      input_image: `data:image/jpeg;base64,${input.photos[0]!.toString("base64")}`,
      input_image2: `data:image/jpeg;base64,${input.photos[1]!.toString("base64")}`,
      // The model applies the style template itself: it gets what was inside ours.
      prompt: "a photo of a woman img, wearing a suit",
      style_name: "Photographic (Default)",
      negative_prompt: "nsfw, lowres, bad anatomy",
      num_steps: 50,
      style_strength_ratio: 20,
      num_outputs: 1,
      guidance_scale: 5,
      seed: 1234,
      disable_safety_checker: false,
    });
    expect(fake.predictions[0]!.photos.map((p) => p.equals(input.photos[fake.predictions[0]!.photos.indexOf(p)]!))).toEqual([true, true]);
    expect(seen.length).toBeLessThanOrEqual(2); // Prefer: wait usually returns the finished prediction
    expect(fake.running()).toEqual([]);
  });

  it("looks the model's latest version up once, and not at all when the version is configured", async () => {
    const engine = engineWith();
    await engine.photomaker(await makeInput());
    await engine.photomaker(await makeInput());
    expect(fake.requests.filter((r) => r.route === "model")).toHaveLength(1);
    fake.reset();
    await engineWith({ photomakerModel: `tencentarc/photomaker:${fake.photomakerVersion}` }).photomaker(await makeInput());
    expect(fake.requests.map((r) => r.route)).toEqual(["create", ...fake.requests.slice(1).map((r) => r.route)]);
    expect(fake.requests.filter((r) => r.route === "model")).toHaveLength(0);
  });

  it("uploads photos over the data-URI limit with the files API and deletes them afterwards", async () => {
    const input = await makeInput();
    await engineWith({ dataUriMaxBytes: 100 }).photomaker(input);
    const body = creates()[0]!.body as { input: Record<string, string> };
    expect(body.input.input_image).toMatch(new RegExp(`^${fake.baseUrl}/files/[0-9a-f]+$`));
    expect(fake.requests.filter((r) => r.route === "file-create")).toHaveLength(2);
    expect(fake.requests.filter((r) => r.route === "file-delete")).toHaveLength(2);
    expect(fake.liveFiles()).toEqual([]);
    expect(fake.predictions[0]!.photos[1]!.equals(input.photos[1]!)).toBe(true);
  });

  it("names the demo's spelling of a style and keeps the demo's template out of the prompt", async () => {
    const input = await makeInput({ style: "Disney Character", prompt: "A Pixar animation character of a woman img, smiling . pixar-style, studio anime, Disney, high-quality" });
    await engineWith().photomaker(input);
    const sent = (creates()[0]!.body as { input: Record<string, unknown> }).input;
    expect([sent.style_name, sent.prompt]).toEqual(["Disney Charactor", "a woman img, smiling"]);
  });

  const table: [FakeReplicateAnswer, FailureCode][] = [
    ["trigger-word", "PHOTOMAKER_INVALID_PARAMS"],
    ["no-face", "NO_FACE_DETECTED"],
    ["empty-output", "CONTENT_FILTERED"],
    ["model-error", "SERVER_ERROR"],
    ["server-error", "SERVER_ERROR"],
    ["unauthorized", "AUTH_FAILED"],
    ["billing", "PROVIDER_BILLING"],
    ["html-output", "BAD_OUTPUT"],
    [{ kind: "rate-limit" }, "RATE_LIMIT_EXCEEDED"],
  ];
  it.each(table)("%j → %s, after exactly one create request", async (answer, code) => {
    fake.enqueue(answer);
    const failure = await failureOf(engineWith().photomaker(await makeInput()));
    expect(failure.code).toBe(code);
    // The client's own retries (429, GET 5xx) never reach the provider: give a burst time to show.
    await new Promise((r) => setTimeout(r, 50));
    expect(creates()).toHaveLength(1);
    expect(fake.running()).toEqual([]);
  });

  it("a failed prediction's id and the model's message reach the failure", async () => {
    fake.enqueue("trigger-word");
    const failure = await failureOf(engineWith().photomaker(await makeInput()));
    expect(failure.predictionId).toBe(fake.predictions[0]!.id);
    expect(failure.detail).toContain("Cannot find the trigger word 'img' in text prompt!");
  });

  it("the model's own trigger check fails a prompt without img (not retried: invalid parameters)", async () => {
    const failure = await failureOf(engineWith().photomaker(await makeInput({ prompt: "a photo of a woman, wearing a suit" })));
    expect(failure.code).toBe("PHOTOMAKER_INVALID_PARAMS");
    expect(nextRetryDelay(failure, 1)).toBeNull();
  });

  it("429 carries Retry-After into the retry delay", async () => {
    fake.enqueue({ kind: "rate-limit", retryAfterSeconds: 42 });
    const failure = await failureOf(engineWith().photomaker(await makeInput()));
    expect([failure.status, failure.retryAfterMs, nextRetryDelay(failure, 1)]).toEqual([429, 42_000, 42_000]);
  });

  it("402 raises an operator alert that health reports until an image is served", async () => {
    fake.enqueue("billing");
    const engine = engineWith();
    await failureOf(engine.photomaker(await makeInput()));
    expect(engineAlert("replicate")).toMatchObject({ code: "PROVIDER_BILLING" });
    const health = await engine.health();
    expect(health).toMatchObject({ ok: false, alert: expect.stringContaining("PROVIDER_BILLING: HTTP 402: You have insufficient credit") });
    await engine.photomaker(await makeInput());
    expect(engineAlert("replicate")).toBeNull();
    expect((await engine.health()).ok).toBe(true);
  });

  it("a cold start within the deadline reports `starting`, then succeeds", async () => {
    // Processing long enough that polls every 20 ms see it even on a busy machine (40 ms was missed under load).
    fake.enqueue({ kind: "cold-start", startingMs: 300, processingMs: 500 });
    const seen: EngineProgress[] = [];
    const image = await engineWith({ timeoutMs: 3_000 }).photomaker(await makeInput(), { onProgress: (p) => seen.push(p) });
    expect(image.engine).toBe("photomaker");
    expect(seen[0]).toEqual({ status: "starting", predictionId: fake.predictions[0]!.id });
    expect(seen.some((p) => p.status === "processing")).toBe(true);
  });

  it("still starting at our deadline: canceled, model loading", async () => {
    fake.enqueue({ kind: "cold-start", startingMs: 5_000 });
    const failure = await failureOf(engineWith({ timeoutMs: 400 }).photomaker(await makeInput()));
    expect(failure.code).toBe("MODEL_LOADING");
    expect(fake.predictions[0]).toMatchObject({ status: "canceled", canceledBy: "client" });
    expect(fake.running()).toEqual([]);
  });

  it("a hang past our deadline is canceled and ends as a timeout", async () => {
    fake.enqueue("hang");
    const started = Date.now();
    const failure = await failureOf(engineWith({ timeoutMs: 400 }).photomaker(await makeInput()));
    expect(failure.code).toBe("GENERATION_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(fake.requests.filter((r) => r.route === "cancel")).toHaveLength(1);
    expect(fake.running()).toEqual([]);
  });

  it("a caller that gives up cancels the prediction too", async () => {
    fake.enqueue("hang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const failure = await failureOf(engineWith({ timeoutMs: 10_000 }).photomaker(await makeInput(), { signal: controller.signal }));
    expect(failure.code).toBe("GENERATION_TIMEOUT");
    expect(fake.predictions[0]).toMatchObject({ status: "canceled", canceledBy: "client" });
    expect(fake.running()).toEqual([]);
  });

  it("a throttled look at a running prediction is not the run failing: it looks again, once per poll", async () => {
    fake.enqueue({ kind: "throttled-polls", count: 5 });
    // A short deadline: no Prefer: wait, so the prediction is polled while it runs.
    const started = Date.now();
    const image = await engineWith({ timeoutMs: 3_000, pollIntervalMs: 40 }).photomaker(await makeInput());
    expect(image.engine).toBe("photomaker");
    const gets = fake.requests.filter((r) => r.route === "get");
    expect(gets.length).toBeGreaterThanOrEqual(6);
    // One throttled look per poll: the client's own burst of five repeats would have used them up at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 40);
  });

  it("a refused connection is a network error", async () => {
    const closed = await startFakeReplicate();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const failure = await failureOf(engineWith({ baseUrl }).photomaker(await makeInput()));
    expect(failure.code).toBe("NETWORK_ERROR");
  });
});

describe("FLUX on Replicate (the stand-in with only a Replicate token)", () => {
  it("runs the official model by name with the trigger-free prompt, no photos, fitted to the tier", async () => {
    const input = await makeInput({ width: 512, height: 512, photos: [await makePhoto()] });
    const image = await engineWith().flux(input);
    expect(image).toMatchObject({ engine: "flux", provider: "replicate", model: "black-forest-labs/flux-schnell", modelWidth: 1024 });
    const meta = await sharp(image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
    const [create] = creates();
    expect(create!.path).toBe("/v1/models/black-forest-labs/flux-schnell/predictions");
    expect(create!.body).toEqual({
      input: {
        prompt: input.fluxPrompt,
        seed: 1234,
        num_outputs: 1,
        aspect_ratio: "1:1",
        output_format: "png",
        num_inference_steps: 4,
        disable_safety_checker: false,
      },
    });
    expect(JSON.stringify(create!.body)).not.toMatch(/\bimg\b/);
  });
});

describe("health", () => {
  it("names the model and its resolved version", async () => {
    const health = await engineWith().health();
    expect(health).toMatchObject({
      ok: true,
      photomaker: { model: "tencentarc/photomaker", version: fake.photomakerVersion, label: "PhotoMaker V1 via Replicate" },
      alert: null,
    });
    expect(health.detail).toBe(`Replicate: tencentarc/photomaker version ${fake.photomakerVersion}`);
  });

  it("a request without a token is refused", async () => {
    const health = await engineWith({ token: "" }).health();
    expect(health.ok).toBe(false);
    expect(health.detail).toMatch(/token rejected.*AUTH_FAILED/);
  });
});
