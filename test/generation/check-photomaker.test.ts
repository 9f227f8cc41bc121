import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { startFakeReplicate, type FakeReplicate } from "../fakes/replicate";
import { freePort } from "../helpers/app";

/** `npm run check:photomaker` as an operator runs it, against the fake Hugging Face server. */
let fake: FakeHuggingFace;
let replicate: FakeReplicate;
beforeAll(async () => {
  fake = await startFakeHuggingFace();
  replicate = await startFakeReplicate();
});
afterAll(async () => {
  await fake.close();
  await replicate.close();
});

/** Async on purpose: the fake server lives in this process and must keep answering. */
function check(env: Record<string, string>, args: string[] = []): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["tsx", "scripts/check-photomaker.ts", ...args],
      { env: { ...process.env, LOG_LEVEL: "silent", ...env }, encoding: "utf8", timeout: 60_000 },
      (error, stdout) => resolve({ status: error ? Number(error.code ?? 1) : 0, lines: stdout.trim().split("\n") }),
    );
  });
}

const hf = (endpoint: string) => ({
  GENERATION_ENGINE: "huggingface",
  HUGGINGFACE_API_KEY: "hf_test_token",
  PHOTOMAKER_ENDPOINT_URL: endpoint,
});

describe("check:photomaker", () => {
  it("passes all seven checks against a healthy endpoint, sending nothing without --live", async () => {
    const r = await check(hf(fake.photomakerUrl));
    expect(r.status).toBe(0);
    expect(r.lines.filter((l) => l.startsWith("PASSED"))).toHaveLength(7);
    expect(r.lines.at(-1)).toBe("all 7 checks passed");
    expect(fake.requests.filter((q) => q.target === "photomaker")).toHaveLength(0);
  });

  it("with --live sends one real generation request and reports the image", async () => {
    fake.reset();
    const r = await check(hf(fake.photomakerUrl), ["--live"]);
    expect(r.status).toBe(0);
    expect(r.lines.find((l) => l.includes("generation request parameters"))).toMatch(/^PASSED .*live: huggingface photomaker \(TencentARC\/PhotoMaker-V2\) answered png 1024×1024$/);
    const sent = fake.requests.filter((q) => q.target === "photomaker");
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.body)).toContain("person img");
  });

  it("fails connectivity and exits non-zero when the endpoint is unreachable", async () => {
    const r = await check(hf(`http://127.0.0.1:${await freePort()}/`));
    expect(r.status).toBe(1);
    expect(r.lines.find((l) => l.includes("connectivity"))).toMatch(/^FAILED .*NETWORK_ERROR/);
    expect(r.lines.at(-1)).toBe("1 of 7 checks failed");
  });

  it("fails client initialisation for huggingface without a key", async () => {
    const r = await check({ GENERATION_ENGINE: "huggingface", PHOTOMAKER_ENDPOINT_URL: fake.photomakerUrl });
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatch(/^FAILED {2}client initialisation: .*HUGGINGFACE_API_KEY/);
  });

  it("with only a Replicate token: names PhotoMaker V1 and its resolved version, sends nothing without --live", async () => {
    const r = await check({ REPLICATE_API_TOKEN: "r8_test", REPLICATE_BASE_URL: replicate.baseUrl });
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe(
      "PASSED  client initialisation: replicate engine (replicate selected by GENERATION_ENGINE=auto): PhotoMaker V1 via Replicate, tencentarc/photomaker (latest version, looked up below)",
    );
    expect(r.lines[1]).toBe(`PASSED  connectivity (health): Replicate: tencentarc/photomaker version ${replicate.photomakerVersion}`);
    expect(r.lines.find((l) => l.includes("generation request parameters"))).toMatch(/input_image; style "Photographic \(Default\)", 35 steps/);
    expect(replicate.predictions).toHaveLength(0);
  });

  it("--live makes one real prediction on Replicate and reports what ran", async () => {
    replicate.reset();
    const r = await check({ GENERATION_ENGINE: "replicate", REPLICATE_API_TOKEN: "r8_test", REPLICATE_BASE_URL: replicate.baseUrl }, ["--live"]);
    expect(r.status).toBe(0);
    const [prediction] = replicate.predictions;
    expect(replicate.predictions).toHaveLength(1);
    expect(r.lines.find((l) => l.includes("generation request parameters"))).toContain(
      `live: replicate photomaker (tencentarc/photomaker, version ${replicate.photomakerVersion}, prediction ${prediction!.id}) answered png 1024×1024`,
    );
    expect(replicate.running()).toEqual([]);
  });

  it("replicate without a token fails client initialisation", async () => {
    const r = await check({ GENERATION_ENGINE: "replicate", REPLICATE_API_TOKEN: " ", REPLICATE_BASE_URL: replicate.baseUrl });
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatch(/^FAILED {2}client initialisation: .*REPLICATE_API_TOKEN/);
  });
});
