import { InferenceClient } from "@huggingface/inference";
import sharp, { type Metadata } from "sharp";
import { GenerationFailure, PHOTOMAKER_TIMEOUT_MS } from "../failures";
import { classifyError, type CapturedResponse } from "./classify";
import type { Engine, EngineHealth, GeneratedImage, GenerationInput } from "./types";

export interface HuggingFaceEngineOptions {
  token: string;
  /** A dedicated Inference Endpoint running the SDXL + PhotoMaker V2 handler. */
  endpointUrl: string;
  fluxModel: string;
  fluxProvider: string;
  fetch?: typeof fetch;
  /** Abort an attempt after this long (default PHOTOMAKER_TIMEOUT_MS). */
  timeoutMs?: number;
  /** health(): how long to wait for any HTTP answer (default 5 s). */
  healthTimeoutMs?: number;
}

/** What the avatar row records as the PhotoMaker model (the endpoint URL is deployment detail). */
export const PHOTOMAKER_MODEL = "TencentARC/PhotoMaker-V2";

const IMAGE_TYPES: Record<string, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

/** A 200 with HTML or JSON comes back from the client as a Blob with no check: look at the bytes. */
export async function verifyImage(bytes: Buffer): Promise<{ contentType: string; width: number; height: number }> {
  if (bytes.length === 0) throw new GenerationFailure("BAD_OUTPUT", { status: 200, detail: "empty response body" });
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (error) {
    const head = bytes.subarray(0, 60).toString("utf8").replace(/[^\x20-\x7e]/g, ".");
    throw new GenerationFailure("BAD_OUTPUT", { status: 200, detail: `not an image: "${head}"`, cause: error });
  }
  const contentType = IMAGE_TYPES[meta.format ?? ""];
  if (!contentType || !meta.width || !meta.height) {
    throw new GenerationFailure("BAD_OUTPUT", { status: 200, detail: `unexpected image format ${meta.format}` });
  }
  return { contentType, width: meta.width, height: meta.height };
}

/** FLUX wants multiples of 16; schnell is distilled for 4 steps without guidance, dev is not. */
export function fluxParameters(model: string, input: GenerationInput) {
  const to16 = (n: number) => Math.max(16, Math.round(n / 16) * 16);
  const schnell = /schnell/i.test(model);
  return {
    width: to16(input.width),
    height: to16(input.height),
    num_inference_steps: schnell ? 4 : 28,
    guidance_scale: schnell ? 0 : 3.5,
    seed: input.seed,
  };
}

/** Defensive: the prompt builder gives FLUX a trigger-free prompt, but `img` must never reach it. */
/**
 * The JSON the PhotoMaker endpoint receives. With endpointUrl the client POSTs these args minus
 * accessToken/endpointUrl/provider/model, so input_id_images and the parameters travel as given.
 */
export function photomakerRequest(input: GenerationInput) {
  return {
    inputs: input.prompt,
    parameters: {
      negative_prompt: input.negativePrompt,
      width: input.width,
      height: input.height,
      num_inference_steps: input.steps,
      guidance_scale: input.guidance,
      style_strength_ratio: input.styleStrengthRatio,
      seed: input.seed,
      num_images_per_prompt: 1,
    },
    // Plain base64 (no data: prefix), one entry per photo.
    input_id_images: input.photos.map((p) => p.toString("base64")),
  };
}

export function withoutTrigger(prompt: string): string {
  return prompt.replace(/\s*\bimg\b/g, "").replace(/\s{2,}/g, " ").trim();
}

export function createHuggingFaceEngine(options: HuggingFaceEngineOptions): Engine {
  const baseFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? PHOTOMAKER_TIMEOUT_MS;

  /**
   * One client per attempt, so the captured response (for Retry-After) belongs to this call
   * even when two generations run at once. retry_on_error: false — the client would otherwise
   * re-POST on 503 at once and without limit; the workflow owns retries.
   */
  async function attempt(
    endpointUrl: string | undefined,
    call: (client: InferenceClient, signal: AbortSignal) => Promise<Blob>,
    signal?: AbortSignal,
  ): Promise<{ bytes: Buffer; contentType: string }> {
    const combined = signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs);
    let last: CapturedResponse | undefined;
    const capturing = (async (input: string | URL | Request, init?: RequestInit) => {
      // The Hub mapping lookup is sent without a signal: give it ours so nothing outlives the timeout.
      const response = await baseFetch(input, { ...init, signal: init?.signal ?? combined });
      last = { status: response.status, headers: response.headers };
      return response;
    }) as typeof fetch;
    const client = new InferenceClient(options.token, {
      ...(endpointUrl && { endpointUrl }),
      fetch: capturing,
      retry_on_error: false,
    });
    let bytes: Buffer;
    try {
      const blob = await call(client, combined);
      bytes = Buffer.from(await blob.arrayBuffer());
    } catch (error) {
      throw classifyError(error, last);
    }
    const { contentType } = await verifyImage(bytes);
    return { bytes, contentType };
  }

  return {
    name: "huggingface",

    async photomaker(input, signal): Promise<GeneratedImage> {
      const args = photomakerRequest(input);
      const out = await attempt(
        options.endpointUrl,
        (client, s) => client.textToImage(args, { signal: s, outputType: "blob" }),
        signal,
      );
      return { ...out, engine: "photomaker", model: PHOTOMAKER_MODEL, offlinePreview: false };
    },

    async flux(input, signal): Promise<GeneratedImage> {
      const out = await attempt(
        undefined,
        (client, s) =>
          client.textToImage(
            {
              model: options.fluxModel,
              // Any provider name passes through; the client rejects unknown ones (→ UNKNOWN).
              provider: options.fluxProvider as "hf-inference",
              inputs: withoutTrigger(input.fluxPrompt),
              parameters: fluxParameters(options.fluxModel, input),
            },
            { signal: s, outputType: "blob" },
          ),
        signal,
      );
      return { ...out, engine: "flux", model: options.fluxModel, offlinePreview: false };
    },

    /** Any HTTP answer means the endpoint is reachable (a handler may well answer GET with 405). */
    async health(): Promise<EngineHealth> {
      try {
        const response = await baseFetch(options.endpointUrl, {
          method: "GET",
          headers: { Authorization: `Bearer ${options.token}` },
          signal: AbortSignal.timeout(options.healthTimeoutMs ?? 5_000),
        });
        await response.body?.cancel();
        const note = response.status === 401 || response.status === 403 ? " (token rejected)" : "";
        return { ok: true, detail: `PhotoMaker endpoint answered HTTP ${response.status}${note}` };
      } catch (error) {
        const failure = classifyError(error);
        return { ok: false, detail: `PhotoMaker endpoint unreachable: ${failure.code} ${failure.detail ?? ""}`.trim() };
      }
    },
  };
}
