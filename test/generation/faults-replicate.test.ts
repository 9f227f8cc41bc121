import { readdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ledgerSum } from "~/server/credits";
import { avatars } from "~/server/db/schema";
import { createEngine } from "~/server/engines";
import { engineAlert } from "~/server/engines/alerts";
import { forgetResolvedModels } from "~/server/engines/replicate-models";
import { parseEnv } from "~/server/env";
import { MODEL_STARTING_MESSAGE } from "~/server/generations/work";
import { startFakeReplicate, type FakeReplicate, type FakeReplicateAnswer } from "../fakes/replicate";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";

/**
 * The Replicate engine's faults through the real executor and workflow (time scale 0.01: a 5 s
 * retry delay waits 50 ms), against the fake Replicate server. Each case asserts the end state:
 * status, engine, attempts, balance and ledger (one refund at most), no prediction left running
 * at the provider, no uploaded file left there, and no input photo left here.
 */
const SCALE = 0.01;
let fake: FakeReplicate;
let app: TestApp;
let photo: Buffer;

beforeAll(async () => {
  fake = await startFakeReplicate();
  const config = parseEnv({ GENERATION_ENGINE: "replicate", REPLICATE_API_TOKEN: "r8_test_token", REPLICATE_BASE_URL: fake.baseUrl });
  // The real deadline is 3 minutes and the real poll 2 s; a hang test can't wait that long. 3 s
  // still leaves a busy machine time for a good prediction (uploads, polls) to end within it.
  const engine = createEngine(config, { timeoutMs: 3_000, pollIntervalMs: 20 });
  app = await createTestApp({ jobs: { engine, timeScale: SCALE } });
  photo = await portraitJpeg(3);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
  forgetResolvedModels();
});

async function run(photomaker: FakeReplicateAnswer[], flux: FakeReplicateAnswer[] = [], watch?: (reason: string | undefined) => void) {
  const user: TestUser = await app.signUp();
  const project = await user.caller.project.create({ name: "Replicate faults" });
  fake.enqueue(...photomaker);
  if (flux.length) fake.enqueueFlux(...flux);
  const { generationId } = await user.caller.avatar.generateWithPhotoMaker(
    photoForm({ projectId: project.id, name: "x", prompt: "in a garden", gender: "man" }, [{ bytes: photo }, { bytes: await portraitJpeg(3) }]),
  );
  let watching = !!watch;
  const watcher = (async () => {
    while (watching) {
      const g = await user.caller.generation.get({ id: generationId });
      watch?.(g.stageDetail.reason);
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  const generation = await waitForGeneration(user, generationId, 30_000);
  watching = false;
  await watcher;
  const history = await user.caller.credits.history({ limit: 50 });
  const inputsLeft =
    filesUnder(path.join(app.storageDir, "inputs", user.id)).length + filesUnder(path.join(app.storageDir, "work", user.id)).length;
  const [avatar] = await app.db.select().from(avatars).where(eq(avatars.generationId, generationId));
  return {
    generation,
    avatar,
    balance: (await user.caller.credits.balance()).balance,
    ledgerOk: (await ledgerSum(app.db, user.id)) === (await user.caller.credits.balance()).balance,
    refunds: history.entries.filter((e) => e.kind === "refund"),
    photomakerRuns: fake.predictions.filter((p) => p.target === "photomaker").length,
    fluxRuns: fake.predictions.filter((p) => p.target === "flux").length,
    cancels: fake.requests.filter((r) => r.route === "cancel").length,
    running: fake.running().length,
    providerFiles: fake.liveFiles().length,
    inputsLeft,
  };
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  } catch {
    return [];
  }
}

type Run = Awaited<ReturnType<typeof run>>;
const errorCodes = (g: Run["generation"]) => g.attempts.map((a) => `${a.engine}:${a.errorCode ?? "ok"}`);
const clean = { running: 0, providerFiles: 0, inputsLeft: 0, ledgerOk: true };

describe("Replicate faults end to end", () => {
  it("success: one prediction with one input_image per photo, the avatar at the tier's size with what ran recorded", async () => {
    const r = await run([]);
    expect(r.generation).toMatchObject({ status: "succeeded", engine: "photomaker" });
    expect(errorCodes(r.generation)).toEqual(["photomaker:ok"]);
    const [prediction] = fake.predictions;
    expect(r.generation.attempts[0]).toMatchObject({ provider: "replicate", model: "tencentarc/photomaker", version: fake.photomakerVersion, predictionId: prediction!.id });
    expect(Object.keys(prediction!.input).filter((k) => k.startsWith("input_image"))).toEqual(["input_image", "input_image2"]);
    expect(prediction!.photos).toHaveLength(2);
    expect(r.avatar).toMatchObject({
      engine: "photomaker",
      provider: "replicate",
      model: "tencentarc/photomaker",
      modelVersion: fake.photomakerVersion,
      predictionId: prediction!.id,
      width: 512,
      height: 512,
      modelWidth: 1024,
      modelHeight: 1024,
    });
    expect(r).toMatchObject({ balance: 82, refunds: [], photomakerRuns: 1, fluxRuns: 0, ...clean });
  });

  it("a long cold start within the deadline: the stage says the model is starting, one attempt", async () => {
    const reasons = new Set<string | undefined>();
    const r = await run([{ kind: "cold-start", startingMs: 400 }], [], (reason) => reasons.add(reason));
    expect(reasons).toContain(MODEL_STARTING_MESSAGE);
    expect(errorCodes(r.generation)).toEqual(["photomaker:ok"]);
    expect(r).toMatchObject({ balance: 82, refunds: [], ...clean });
  });

  it("still starting at our deadline: canceled, retried as model loading after 5 s (scaled), then made", async () => {
    const r = await run([{ kind: "cold-start", startingMs: 10_000 }]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:MODEL_LOADING", "photomaker:ok"]);
    expect(r.generation.attempts[0]!.retryDelayMs).toBe(5_000);
    expect(fake.predictions[0]).toMatchObject({ status: "canceled", canceledBy: "client" });
    expect(r).toMatchObject({ balance: 82, refunds: [], cancels: 1, photomakerRuns: 2, ...clean });
  });

  it("429 with Retry-After waits what Replicate asked, then succeeds", async () => {
    const r = await run([{ kind: "rate-limit", retryAfterSeconds: 7 }]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:RATE_LIMIT_EXCEEDED", "photomaker:ok"]);
    expect(r.generation.attempts[0]!.retryDelayMs).toBe(7_000);
    // The throttled create started nothing; the client repeated nothing.
    expect(fake.requests.filter((q) => q.route === "create")).toHaveLength(2);
    expect(r).toMatchObject({ balance: 82, refunds: [], photomakerRuns: 1, ...clean });
  });

  it("5xx twice: backs off 2 s and 4 s (scaled), then made by PhotoMaker", async () => {
    const r = await run(["server-error", "server-error"]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:SERVER_ERROR", "photomaker:SERVER_ERROR", "photomaker:ok"]);
    expect(r.generation.attempts.map((a) => a.retryDelayMs)).toEqual([2_000, 4_000, null]);
    expect(r).toMatchObject({ balance: 82, refunds: [], ...clean });
  });

  it("5xx four times: PhotoMaker gives up and FLUX on Replicate stands in", async () => {
    const r = await run(["server-error", "server-error", "server-error", "server-error"]);
    expect(errorCodes(r.generation)).toEqual([...Array(4).fill("photomaker:SERVER_ERROR"), "flux:ok"]);
    expect(r.generation.engine).toBe("flux");
    expect(r.avatar).toMatchObject({ engine: "flux", provider: "replicate", model: "black-forest-labs/flux-schnell", width: 512, identityPreserving: false });
    expect(r).toMatchObject({ balance: 82, refunds: [], fluxRuns: 1, ...clean });
  });

  it("a hang past the deadline: canceled, one more try (canceled too), then FLUX", async () => {
    const r = await run(["hang", "hang"]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:GENERATION_TIMEOUT", "photomaker:GENERATION_TIMEOUT", "flux:ok"]);
    expect(fake.predictions.filter((p) => p.target === "photomaker").map((p) => p.canceledBy)).toEqual(["client", "client"]);
    expect(r.generation.engine).toBe("flux");
    expect(r).toMatchObject({ balance: 82, refunds: [], cancels: 2, ...clean });
  });

  it.each([
    ["a trigger-word failure", "trigger-word", "PHOTOMAKER_INVALID_PARAMS", "Invalid parameters — your 18 credits were returned."],
    ["no face", "no-face", "NO_FACE_DETECTED", "We couldn't find a face in your photos — your 18 credits were returned."],
    [
      "an empty output (the safety checker)",
      "empty-output",
      "CONTENT_FILTERED",
      "The provider's safety filter withheld this result; try another prompt or photo — your 18 credits were returned.",
    ],
    ["401", "unauthorized", "AUTH_FAILED", "The image service rejected our credentials, please try again later — your 18 credits were returned."],
    ["402 (out of credit)", "billing", "PROVIDER_BILLING", "The image service is unavailable right now, please try again later — your 18 credits were returned."],
  ] as const)("%s: no retry, no FLUX, refunded exactly once", async (_label, answer, code, message) => {
    const r = await run([answer]);
    expect(r.generation).toMatchObject({ status: "failed", stage: "failed", errorCode: code, errorMessage: message, refundedCredits: 18, engine: null });
    expect(errorCodes(r.generation)).toEqual([`photomaker:${code}`]);
    expect(r).toMatchObject({ balance: 100, fluxRuns: 0, avatar: undefined, ...clean });
    expect(r.refunds).toHaveLength(1);
    expect(r.refunds[0]).toMatchObject({ amount: 18, referenceType: "generation", referenceId: r.generation.id });
    if (code === "PROVIDER_BILLING" || code === "AUTH_FAILED") expect(engineAlert("replicate")).toMatchObject({ code });
  });
});
