import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { parseEnv } from "~/server/env";
import { createEngine, createOfflineEngine, EngineConfigError, redirectHuggingFaceHosts, selectedEngine } from "~/server/engines";
import { labelBandHeight, OFFLINE_STYLES } from "~/server/engines/offline";
import { makeInput, makePhoto } from "./fixtures";

const engine = createOfflineEngine();

/** Mean and max luminance of a horizontal strip of a decoded image. */
async function strip(bytes: Buffer, top: number, height: number) {
  const { width } = await sharp(bytes).metadata();
  const { data } = await sharp(bytes).extract({ left: 0, top, width: width!, height }).greyscale().raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  let max = 0;
  for (const v of data) {
    sum += v;
    max = Math.max(max, v);
  }
  return { mean: sum / data.length, max };
}

describe("offline engine", () => {
  it("is deterministic, at the requested size, and flagged as an offline preview", async () => {
    const input = await makeInput({ width: 160, height: 200 });
    const a = await engine.photomaker(input);
    const b = await engine.photomaker(await makeInput({ width: 160, height: 200 }));
    expect(a).toMatchObject({ engine: "offline", model: "offline-preview", offlinePreview: true, contentType: "image/jpeg" });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const meta = await sharp(a.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 160, 200]);
    const otherSeedPhoto = await engine.photomaker(await makeInput({ width: 160, height: 200, photos: [await makePhoto(48, 64, 200)] }));
    expect(otherSeedPhoto.bytes.equals(a.bytes)).toBe(false);
  });

  it("burns an OFFLINE PREVIEW band into the bottom of the picture", async () => {
    const grey = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer();
    const input = await makeInput({ width: 240, height: 240, photos: [grey], style: "(No style)" });
    const { bytes } = await engine.photomaker(input);
    const band = labelBandHeight(240, 240);
    const above = await strip(bytes, 0, 240 - band - 4);
    const label = await strip(bytes, 240 - band + 2, band - 4);
    expect(Math.abs(above.mean - 128)).toBeLessThan(6); // untouched grey
    expect(label.mean).toBeLessThan(90); // darkened band…
    expect(label.max).toBeGreaterThan(200); // …with white text on it
  });

  it("gives every PhotoMaker demo style its own look", async () => {
    const names = Object.keys(OFFLINE_STYLES);
    expect(names).toHaveLength(11);
    const outputs = await Promise.all(names.map(async (style) => (await engine.photomaker(await makeInput({ style }))).bytes));
    for (const bytes of outputs) {
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual([96, 128]);
    }
    expect(new Set(outputs.map((b) => b.toString("base64"))).size).toBe(names.length);
    // An unknown style falls back to "(No style)".
    const unknown = await engine.photomaker(await makeInput({ style: "Vaporwave" }));
    expect(unknown.bytes.equals(outputs[names.indexOf("(No style)")]!)).toBe(true);
  });

  it("flux() ignores the photos (no identity), follows prompt and seed, and is flagged offline", async () => {
    const a = await engine.flux(await makeInput());
    const samePromptOtherPhotos = await engine.flux(await makeInput({ photos: [await makePhoto(30, 30, 10)] }));
    const otherSeed = await engine.flux(await makeInput({ seed: 99 }));
    expect(a).toMatchObject({ engine: "offline", offlinePreview: true });
    expect(a.bytes.equals(samePromptOtherPhotos.bytes)).toBe(true);
    expect(a.bytes.equals(otherSeed.bytes)).toBe(false);
    expect((await engine.health()).ok).toBe(true);
  });
});

describe("createEngine", () => {
  const base = {
    FLUX_MODEL: "black-forest-labs/FLUX.1-schnell",
    FLUX_PROVIDER: "hf-inference",
    REPLICATE_BASE_URL: "https://api.replicate.com/v1",
    REPLICATE_PHOTOMAKER_MODEL: "tencentarc/photomaker",
    REPLICATE_FLUX_MODEL: "black-forest-labs/flux-schnell",
  };
  const replicate = { REPLICATE_API_TOKEN: "r8_x" };
  const key = { HUGGINGFACE_API_KEY: "hf_x" };
  const url = { PHOTOMAKER_ENDPOINT_URL: "https://pm.example.endpoints.huggingface.cloud" };

  it("auto picks Hugging Face only when both the key and the endpoint are set", () => {
    expect(createEngine({ ...base, GENERATION_ENGINE: "auto" }).name).toBe("offline");
    expect(createEngine({ ...base, GENERATION_ENGINE: "auto", ...key }).name).toBe("offline");
    expect(createEngine({ ...base, GENERATION_ENGINE: "auto", ...url }).name).toBe("offline");
    expect(createEngine({ ...base, GENERATION_ENGINE: "auto", ...key, ...url }).name).toBe("huggingface");
    expect(selectedEngine({ ...base, GENERATION_ENGINE: "auto", ...key, ...url })).toBe("huggingface");
  });

  it("explicit choices are obeyed; huggingface without its settings is a config error", () => {
    expect(createEngine({ ...base, GENERATION_ENGINE: "offline", ...key, ...url }).name).toBe("offline");
    expect(createEngine({ ...base, GENERATION_ENGINE: "huggingface", ...key, ...url }).name).toBe("huggingface");
    expect(() => createEngine({ ...base, GENERATION_ENGINE: "huggingface", ...key })).toThrow(EngineConfigError);
    expect(() => createEngine({ ...base, GENERATION_ENGINE: "huggingface" })).toThrow(
      "GENERATION_ENGINE=huggingface needs HUGGINGFACE_API_KEY and PHOTOMAKER_ENDPOINT_URL to be set",
    );
  });

  it("auto picks Replicate with only its token, and our PhotoMaker endpoint over it when both are set", () => {
    expect(createEngine({ ...base, GENERATION_ENGINE: "auto", ...replicate }).name).toBe("replicate");
    expect(selectedEngine({ ...base, GENERATION_ENGINE: "auto", ...replicate, ...key })).toBe("replicate");
    expect(selectedEngine({ ...base, GENERATION_ENGINE: "auto", ...replicate, ...key, ...url })).toBe("huggingface");
    expect(createEngine({ ...base, GENERATION_ENGINE: "replicate", ...replicate, ...key, ...url }).name).toBe("replicate");
    expect(() => createEngine({ ...base, GENERATION_ENGINE: "replicate", ...key, ...url })).toThrow(
      "GENERATION_ENGINE=replicate needs REPLICATE_API_TOKEN to be set",
    );
  });

  it("takes the validated env as is: a fresh machine gets the offline engine", () => {
    expect(createEngine(parseEnv({})).name).toBe("offline");
    const env = parseEnv({ HUGGINGFACE_API_KEY: "hf_x", PHOTOMAKER_ENDPOINT_URL: url.PHOTOMAKER_ENDPOINT_URL });
    expect(createEngine(env).name).toBe("huggingface");
    expect(createEngine(parseEnv({ REPLICATE_API_TOKEN: "r8_x" })).name).toBe("replicate");
  });
});

describe("redirectHuggingFaceHosts", () => {
  it("rewrites Hub, router and api-inference hosts to the base URL, keeping path and query", async () => {
    const seen: string[] = [];
    const spy = (async (input: string | URL | Request) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return new Response("ok");
    }) as typeof fetch;
    const redirected = redirectHuggingFaceHosts("http://127.0.0.1:9400", spy);
    await redirected("https://huggingface.co/api/models/a/b?expand[]=inferenceProviderMapping");
    await redirected(new URL("https://router.huggingface.co/hf-inference/models/a/b"));
    await redirected(new Request("https://api-inference.huggingface.co/models/a/b", { method: "POST", body: "{}" }));
    await redirected("https://pm.us-east-1.aws.endpoints.huggingface.cloud/");
    await redirected("https://example.com/huggingface.co");
    expect(seen).toEqual([
      "http://127.0.0.1:9400/api/models/a/b?expand[]=inferenceProviderMapping",
      "http://127.0.0.1:9400/hf-inference/models/a/b",
      "http://127.0.0.1:9400/models/a/b",
      "https://pm.us-east-1.aws.endpoints.huggingface.cloud/",
      "https://example.com/huggingface.co",
    ]);
  });
});
