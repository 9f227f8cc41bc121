import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ledgerSum } from "~/server/credits";
import { parseEnv } from "~/server/env";
import { startFakeHuggingFace, type FakeAnswer, type FakeHuggingFace } from "../fakes/huggingface";
import { createTestApp, freePort, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";
import { createEngine } from "~/server/engines";
import { huggingFaceEngine } from "../helpers/engines";

/**
 * Every fault of the fake Hugging Face server through the real executor and workflow, at time
 * scale 0.01 (a 5 s retry delay waits 50 ms). Each case asserts the end state: status, engine,
 * attempts and their delays, balance and ledger (one refund at most), and no input file left.
 */
const SCALE = 0.01;
let fake: FakeHuggingFace;
let app: TestApp;
let photo: Buffer;

beforeAll(async () => {
  fake = await startFakeHuggingFace();
  // The real timeout is 3 minutes; a hang test can't wait that long, so the engine gets 400 ms.
  app = await createTestApp({ jobs: { engine: huggingFaceEngine(fake, { timeoutMs: 400 }), timeScale: SCALE } });
  photo = await portraitJpeg(3);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

async function run(photomaker: FakeAnswer[], flux: FakeAnswer[] = []) {
  const user: TestUser = await app.signUp();
  const project = await user.caller.project.create({ name: "Faults" });
  fake.enqueue(...photomaker);
  if (flux.length) fake.enqueueFlux(...flux);
  const { generationId } = await user.caller.avatar.generateWithPhotoMaker(
    photoForm({ projectId: project.id, name: "x", prompt: "in a garden", gender: "man" }, [{ bytes: photo }]),
  );
  const generation = await waitForGeneration(user, generationId, 30_000);
  const history = await user.caller.credits.history({ limit: 50 });
  const inputsLeft = filesUnder(path.join(app.storageDir, "inputs", user.id)).length + filesUnder(path.join(app.storageDir, "work", user.id)).length;
  return {
    generation,
    balance: (await user.caller.credits.balance()).balance,
    ledgerOk: (await ledgerSum(app.db, user.id)) === (await user.caller.credits.balance()).balance,
    refunds: history.entries.filter((e) => e.kind === "refund"),
    avatars: (await user.caller.avatar.list({ projectId: project.id })).items,
    photomakerCalls: fake.requests.filter((r) => r.target === "photomaker").length,
    fluxCalls: fake.requests.filter((r) => r.target === "flux").length,
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

const errorCodes = (g: Awaited<ReturnType<typeof run>>["generation"]) => g.attempts.map((a) => `${a.engine}:${a.errorCode ?? "ok"}`);
const gaps = (g: Awaited<ReturnType<typeof run>>["generation"]) =>
  g.attempts.slice(1).map((a, i) => Date.parse(a.startedAt) - Date.parse(g.attempts[i]!.startedAt) - g.attempts[i]!.durationMs);

describe("PhotoMaker faults end to end", () => {
  it("503 once: waits 5 s (scaled) and succeeds with PhotoMaker on the second attempt", async () => {
    const r = await run([{ kind: "loading", estimatedTime: 20 }]);
    expect(r.generation).toMatchObject({ status: "succeeded", engine: "photomaker" });
    expect(errorCodes(r.generation)).toEqual(["photomaker:MODEL_LOADING", "photomaker:ok"]);
    expect(r.generation.attempts[0]!.retryDelayMs).toBe(5_000);
    expect(gaps(r.generation)[0]).toBeGreaterThanOrEqual(5_000 * SCALE);
    expect(r).toMatchObject({ balance: 82, refunds: [], inputsLeft: 0, ledgerOk: true, photomakerCalls: 2, fluxCalls: 0 });
    expect(r.avatars).toHaveLength(1);
    expect(r.avatars[0]).toMatchObject({ engine: "photomaker", offlinePreview: false });
  });

  it("503 three times: 5, 10, 20 s apart, then PhotoMaker answers", async () => {
    const loading: FakeAnswer = { kind: "loading" };
    const r = await run([loading, loading, loading]);
    expect(r.generation).toMatchObject({ status: "succeeded", engine: "photomaker" });
    expect(r.generation.attempts.map((a) => a.retryDelayMs)).toEqual([5_000, 10_000, 20_000, null]);
    const g = gaps(r.generation);
    expect(g[0]).toBeGreaterThanOrEqual(50);
    expect(g[1]).toBeGreaterThanOrEqual(100);
    expect(g[2]).toBeGreaterThanOrEqual(200);
    expect(r.balance).toBe(82);
  });

  it("503 four times: PhotoMaker gives up and FLUX stands in, recorded as FLUX", async () => {
    const loading: FakeAnswer = { kind: "loading" };
    const r = await run([loading, loading, loading, loading]);
    expect(r.generation).toMatchObject({ status: "succeeded", engine: "flux" });
    expect(errorCodes(r.generation)).toEqual([...Array(4).fill("photomaker:MODEL_LOADING"), "flux:ok"]);
    expect(r.avatars[0]).toMatchObject({ engine: "flux" });
    const fluxBody = JSON.stringify(fake.requests.find((q) => q.target === "flux")?.body);
    expect(fluxBody).not.toMatch(/\bimg\b/);
    expect(r).toMatchObject({ balance: 82, refunds: [], inputsLeft: 0 });
  });

  it("429 with Retry-After waits what the server asked", async () => {
    const r = await run([{ kind: "rate-limit", retryAfterSeconds: 7 }]);
    expect(r.generation).toMatchObject({ status: "succeeded", engine: "photomaker" });
    expect(r.generation.attempts[0]).toMatchObject({ errorCode: "RATE_LIMIT_EXCEEDED", retryDelayMs: 7_000 });
    expect(gaps(r.generation)[0]).toBeGreaterThanOrEqual(7_000 * SCALE);
  });

  it("429 without Retry-After waits 60 s", async () => {
    const r = await run([{ kind: "rate-limit" }]);
    expect(r.generation.attempts[0]).toMatchObject({ errorCode: "RATE_LIMIT_EXCEEDED", retryDelayMs: 60_000 });
    expect(gaps(r.generation)[0]).toBeGreaterThanOrEqual(60_000 * SCALE);
    expect(r.generation.status).toBe("succeeded");
  });

  it("a hang past the timeout is aborted and tried once more", async () => {
    const r = await run(["hang"]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:GENERATION_TIMEOUT", "photomaker:ok"]);
    expect(r.generation.attempts[0]!.durationMs).toBeGreaterThanOrEqual(390);
    expect(r.generation.status).toBe("succeeded");
  });

  it("a hang twice falls back to FLUX", async () => {
    const r = await run(["hang", "hang"]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:GENERATION_TIMEOUT", "photomaker:GENERATION_TIMEOUT", "flux:ok"]);
    expect(r.generation.engine).toBe("flux");
  });

  it("500 is retried with backoff", async () => {
    const r = await run(["server-error", "bad-gateway-html"]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:SERVER_ERROR", "photomaker:SERVER_ERROR", "photomaker:ok"]);
    expect(r.generation.attempts.map((a) => a.retryDelayMs)).toEqual([2_000, 4_000, null]);
  });

  it.each([
    ["400 invalid parameters", "bad-trigger", "PHOTOMAKER_INVALID_PARAMS", "Invalid parameters — your 18 credits were returned."],
    ["400 no face", "no-face", "NO_FACE_DETECTED", "We couldn't find a face in your photos — your 18 credits were returned."],
    ["401", "unauthorized", "AUTH_FAILED", null],
  ] as const)("%s: no retry, no FLUX, refunded exactly once", async (_label, answer, code, message) => {
    const r = await run([answer]);
    expect(r.generation).toMatchObject({ status: "failed", stage: "failed", errorCode: code, refundedCredits: 18, engine: null });
    if (message) expect(r.generation.errorMessage).toBe(message);
    else expect(r.generation.errorMessage).toMatch(/your 18 credits were returned\.$/);
    expect(r).toMatchObject({ balance: 100, photomakerCalls: 1, fluxCalls: 0, inputsLeft: 0, ledgerOk: true, avatars: [] });
    expect(r.refunds).toHaveLength(1);
    expect(r.refunds[0]).toMatchObject({ amount: 18, referenceType: "generation", referenceId: r.generation.id });
  });

  it.each([
    ["200 text/html", "html-200"],
    ["200 unknown JSON", "unknown-json"],
  ] as const)("%s is bad output: retried once, then FLUX", async (_label, answer) => {
    const r = await run([answer, answer]);
    expect(errorCodes(r.generation)).toEqual(["photomaker:BAD_OUTPUT", "photomaker:BAD_OUTPUT", "flux:ok"]);
    expect(r.generation).toMatchObject({ status: "succeeded", engine: "flux" });
    expect(r.balance).toBe(82);
  });

  it("PhotoMaker and FLUX both failing ends failed and refunded once", async () => {
    const r = await run(["server-error", "server-error", "server-error", "server-error"], ["server-error"]);
    expect(r.generation).toMatchObject({ status: "failed", errorCode: "SERVER_ERROR", refundedCredits: 18 });
    expect(r).toMatchObject({ balance: 100, fluxCalls: 1, inputsLeft: 0, ledgerOk: true });
    expect(r.refunds).toHaveLength(1);
  });
});

describe("connection refused", () => {
  it("retries, tries FLUX, then fails and refunds", async () => {
    const closedPort = await freePort();
    const config = parseEnv({
      GENERATION_ENGINE: "huggingface",
      HUGGINGFACE_API_KEY: "hf_test_token",
      PHOTOMAKER_ENDPOINT_URL: `http://127.0.0.1:${closedPort}/`,
      HUGGINGFACE_HOSTS_OVERRIDE: `http://127.0.0.1:${closedPort}`,
    });
    const refused = await createTestApp({ jobs: { engine: createEngine(config), timeScale: SCALE } });
    try {
      const user = await refused.signUp();
      const project = await user.caller.project.create({ name: "p" });
      const { generationId } = await user.caller.avatar.generateWithPhotoMaker(
        photoForm({ projectId: project.id, name: "x", prompt: "portrait" }, [{ bytes: photo }]),
      );
      const g = await waitForGeneration(user, generationId, 30_000);
      expect(g).toMatchObject({ status: "failed", errorCode: "NETWORK_ERROR", refundedCredits: 18 });
      expect(errorCodes(g)).toEqual([...Array(4).fill("photomaker:NETWORK_ERROR"), "flux:NETWORK_ERROR"]);
      expect(await user.caller.credits.balance()).toEqual({ balance: 100 });
      expect(filesUnder(path.join(refused.storageDir, "inputs"))).toEqual([]);
    } finally {
      await refused.close();
    }
  });
});
