import sharp from "sharp";
import { createEngine, selectedEngine } from "../engines";
import { photomakerRequest } from "../engines/huggingface";
import { photomakerInput } from "../engines/replicate-input";
import type { Engine, GenerationInput } from "../engines/types";
import type { Env } from "../env";
import { engineInputFrom } from "../generations/settings";
import { buildSettings } from "../generations/submit";
import { MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_OUTPUT_SIDE, TARGET_JPEG_BYTES } from "../photos/limits";
import { intakePhotos, type IncomingPhoto } from "../photos/intake";
import { styleStrengthToRatio } from "../prompt";
import { TIER_MODELS, TIERS } from "../tiers";

/**
 * The product's seven integration checks against whatever engine is configured. Each returns a
 * PASSED/FAILED line; `live` also sends one real generation. Used by `npm run check:photomaker`.
 */
export interface CheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

type Check = { name: string; run: (ctx: CheckContext) => Promise<string> };
interface CheckContext {
  env: Env;
  live: boolean;
  engine?: Engine;
  samplePhoto?: Buffer;
  input?: GenerationInput;
}

const CHECKS: Check[] = [
  {
    name: "client initialisation",
    async run(ctx) {
      ctx.engine = createEngine(ctx.env);
      const pm = ctx.engine.models.photomaker;
      const version = pm.version ? ` version ${pm.version}` : ctx.engine.name === "replicate" ? " (latest version, looked up below)" : "";
      return `${ctx.engine.name} engine (${selectedEngine(ctx.env)} selected by GENERATION_ENGINE=${ctx.env.GENERATION_ENGINE}): ${pm.label}, ${pm.model}${version}`;
    },
  },
  {
    name: "connectivity (health)",
    async run(ctx) {
      const health = await need(ctx.engine, "engine").health();
      if (!health.ok) throw new Error(health.detail);
      return health.detail;
    },
  },
  {
    name: "photo validation (size, format, count)",
    async run(ctx) {
      ctx.samplePhoto = await samplePortrait();
      const ok = await intakePhotos([{ field: "photo0", filename: "sample.jpg", bytes: ctx.samplePhoto }]);
      if (ok.photos.length !== 1) throw new Error("a valid JPEG was not accepted");
      await expectRefusal([], "Please upload at least one photo");
      await expectRefusal([{ field: "photo0", filename: "big.jpg", bytes: new Uint8Array(MAX_PHOTO_BYTES + 1) }], "Photo exceeds 10MB limit");
      await expectRefusal([{ field: "photo0", filename: "notes.jpg", bytes: new TextEncoder().encode("not an image") }], "not a JPEG or PNG");
      const five = Array.from({ length: MAX_PHOTOS + 1 }, (_, i) => ({ field: `photo${i}`, filename: `p${i}.jpg`, bytes: ctx.samplePhoto! }));
      const capped = await intakePhotos(five);
      if (capped.photos.length !== MAX_PHOTOS || capped.warnings.length === 0) throw new Error("a fifth photo was not left out with a warning");
      return `valid photo accepted; empty, >10MB, non-image refused; ${MAX_PHOTOS + 1} photos → ${MAX_PHOTOS} with a warning`;
    },
  },
  {
    name: "prompt building with the trigger word",
    async run() {
      const s = buildSettings({ name: "check", prompt: "wearing a suit", gender: "woman" }, "basic");
      const triggers = s.builtPrompt.match(/\bimg\b/g) ?? [];
      if (triggers.length !== 1 || !/\bwoman img\b/.test(s.builtPrompt)) throw new Error(`bad trigger in "${s.builtPrompt}"`);
      if (/\bimg\b/.test(s.fluxPrompt) || /\bimg\b/.test(s.builtNegativePrompt)) throw new Error("img leaked into the FLUX or negative prompt");
      return `"${s.builtPrompt.slice(0, 60)}…"`;
    },
  },
  {
    name: "provider photo validation",
    async run(ctx) {
      const intake = await intakePhotos([{ field: "photo0", filename: "sample.jpg", bytes: need(ctx.samplePhoto, "sample photo") }]);
      const photo = intake.photos[0]!;
      const meta = await sharp(photo.jpeg).metadata();
      if (meta.format !== "jpeg") throw new Error(`provider input is ${meta.format}, not JPEG`);
      if (Math.max(photo.width, photo.height) > MAX_OUTPUT_SIDE) throw new Error("provider input is larger than 2048 px");
      if (photo.jpeg.byteLength > TARGET_JPEG_BYTES * 1.05) throw new Error("provider input is over ~1 MB");
      if (meta.exif) throw new Error("provider input still carries EXIF");
      const settings = buildSettings({ name: "check", prompt: "portrait", gender: "person", seed: 42 }, "pro");
      ctx.input = engineInputFrom(settings, [photo.jpeg]);
      return `JPEG ${photo.width}×${photo.height}, ${Math.round(photo.jpeg.byteLength / 1024)} KB, no metadata`;
    },
  },
  {
    name: "generation request parameters",
    async run(ctx) {
      const input = need(ctx.input, "generation input");
      const engine = need(ctx.engine, "engine");
      const summary = engine.name === "replicate" ? replicateSummary(input) : endpointSummary(input);
      if (!ctx.live) return `${summary} (built, not sent; --live sends it)`;
      const image = await engine.photomaker(input);
      const meta = await sharp(image.bytes).metadata();
      const ran = [image.model, image.version && `version ${image.version}`, image.predictionId && `prediction ${image.predictionId}`].filter(Boolean).join(", ");
      const resized = image.modelWidth !== meta.width || image.modelHeight !== meta.height ? ` (the model made ${image.modelWidth}×${image.modelHeight})` : "";
      return `${summary}; live: ${image.provider} ${image.engine} (${ran}) answered ${meta.format} ${meta.width}×${meta.height}${resized}${image.offlinePreview ? " (offline preview)" : ""}`;
    },
  },
  {
    name: "model capabilities (tiers, sizes, steps)",
    async run() {
      const rows = TIERS.map((t) => {
        const m = TIER_MODELS[t];
        if (m.width % 64 || m.height % 64) throw new Error(`${t}: ${m.width}×${m.height} is not a multiple of 64 (SDXL)`);
        if (m.steps < 20 || m.steps > 100) throw new Error(`${t}: ${m.steps} steps is outside PhotoMaker's 20–100`);
        if (m.guidance < 0.1 || m.guidance > 10) throw new Error(`${t}: guidance ${m.guidance} is outside 0.1–10`);
        const ratio = styleStrengthToRatio(m.styleStrength ?? 0.8);
        if (ratio < 15 || ratio > 50) throw new Error(`${t}: style strength ratio ${ratio} is outside 15–50`);
        return `${t} ${m.creditCost} credits ${m.width}px ${m.steps} steps`;
      });
      return rows.join("; ");
    },
  },
];

export async function runPhotoMakerChecks(env: Env, options: { live?: boolean } = {}): Promise<CheckResult[]> {
  const ctx: CheckContext = { env, live: options.live ?? false };
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    try {
      results.push({ name: check.name, passed: true, detail: await check.run(ctx) });
    } catch (error) {
      results.push({ name: check.name, passed: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

/** What our PhotoMaker endpoint (or the offline engine) is sent. */
function endpointSummary(input: GenerationInput): string {
  const body = photomakerRequest(input);
  const p = body.parameters;
  if (body.input_id_images.length !== 1 || !p.negative_prompt || p.style_strength_ratio < 15 || p.style_strength_ratio > 50) {
    throw new Error(`unexpected request ${JSON.stringify({ ...body, input_id_images: body.input_id_images.length })}`);
  }
  return `${p.width}×${p.height}, ${p.num_inference_steps} steps, guidance ${p.guidance_scale}, style strength ${p.style_strength_ratio}%, seed ${p.seed}`;
}

/** What Replicate's PhotoMaker is sent (its input schema has no size: the output is fitted afterwards). */
function replicateSummary(input: GenerationInput): string {
  const body = photomakerInput(input, input.photos.map(() => "data:image/jpeg;base64,…"));
  const images = Object.keys(body).filter((k) => k.startsWith("input_image"));
  const ratio = Number(body.style_strength_ratio);
  if (images.length !== input.photos.length || !body.negative_prompt || ratio < 15 || ratio > 50 || !/\bimg\b/.test(String(body.prompt))) {
    throw new Error(`unexpected input ${JSON.stringify({ ...body, ...Object.fromEntries(images.map((k) => [k, "…"])) })}`);
  }
  return `${images.join(", ")}; style "${body.style_name}", ${body.num_steps} steps, guidance ${body.guidance_scale}, style strength ${ratio}%, seed ${body.seed}; fitted to ${input.width}×${input.height}`;
}

async function expectRefusal(files: IncomingPhoto[], message: string) {
  try {
    await intakePhotos(files);
  } catch (error) {
    if (error instanceof Error && error.message.includes(message)) return;
    throw new Error(`expected "${message}", got "${error instanceof Error ? error.message : String(error)}"`);
  }
  throw new Error(`expected "${message}", but the photos were accepted`);
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`skipped: no ${what} (an earlier check failed)`);
  return value;
}

/** A plain generated portrait-sized JPEG, so the check needs no fixture files. */
async function samplePortrait(): Promise<Buffer> {
  return sharp({ create: { width: 768, height: 1024, channels: 3, background: { r: 180, g: 140, b: 120 } } })
    .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="768" height="1024"><ellipse cx="384" cy="420" rx="170" ry="210" fill="#e8c4a8"/></svg>') }])
    .jpeg({ quality: 90 })
    .toBuffer();
}
