import { InferenceClient } from "@huggingface/inference";
import sharp, { type Metadata } from "sharp";
import { GenerationFailure, PHOTOMAKER_TIMEOUT_MS } from "../failures";
import { alertIfOperatorProblem, clearEngineAlert, engineAlert } from "./alerts";
import { classifyError, type CapturedResponse } from "./classify";
import { fluxSteps, withoutTrigger } from "./flux";
import { photomakerLabel } from "./labels";
import type { Engine, EngineHealth, GeneratedImage, GenerationInput } from "./types";
import { logger } from "../logger";

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

/**
 * The endpoint toolkit answers what the request's Accept asks for: without one (or with "any type") it
 * serialises the handler's PIL image as JSON (a base64 string), which the client cannot read as an
 * image ("expected a Blob"). huggingface-inference-toolkit, webservice_starlette.py predict().
 */
export const PHOTOMAKER_ACCEPT = "image/png";

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

/** FLUX wants multiples of 16. */
export function fluxParameters(model: string, input: GenerationInput) {
  const to16 = (n: number) => Math.max(16, Math.round(n / 16) * 16);
  const { steps, guidance } = fluxSteps(model);
  return {
    width: to16(input.width),
    height: to16(input.height),
    num_inference_steps: steps,
    guidance_scale: guidance,
    seed: input.seed,
  };
}

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
  ): Promise<{ bytes: Buffer; contentType: string; width: number; height: number }> {
    const combined = signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs);
    let last: CapturedResponse | undefined;
    const capturing = (async (input: string | URL | Request, init?: RequestInit) => {
      // Our endpoint answers PNG bytes only when asked to (see PHOTOMAKER_ACCEPT).
      const headers = new Headers(init?.headers);
      if (endpointUrl && !headers.has("accept")) headers.set("accept", PHOTOMAKER_ACCEPT);
      // The Hub mapping lookup is sent without a signal: give it ours so nothing outlives the timeout.
      const response = await baseFetch(input, { ...init, headers, signal: init?.signal ?? combined });
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
      const failure = classifyError(error, last);
      alertIfOperatorProblem("huggingface", failure, logger);
      throw failure;
    }
    const { contentType, width, height } = await verifyImage(bytes);
    clearEngineAlert("huggingface");
    return { bytes, contentType, width, height };
  }

  const made = (out: Awaited<ReturnType<typeof attempt>>, engine: "photomaker" | "flux", model: string): GeneratedImage => ({
    bytes: out.bytes,
    contentType: out.contentType,
    engine,
    model,
    offlinePreview: false,
    provider: "huggingface",
    version: null,
    predictionId: null,
    modelWidth: out.width,
    modelHeight: out.height,
  });

  const photomakerModel = { model: PHOTOMAKER_MODEL, version: null, label: photomakerLabel("huggingface", PHOTOMAKER_MODEL) };

  return {
    name: "huggingface",
    models: {
      photomaker: photomakerModel,
      flux: { model: options.fluxModel, version: null, label: `FLUX (${options.fluxProvider})` },
    },

    async photomaker(input, call = {}): Promise<GeneratedImage> {
      const args = photomakerRequest(input);
      const out = await attempt(
        options.endpointUrl,
        (client, s) => client.textToImage(args, { signal: s, outputType: "blob" }),
        call.signal,
      );
      return made(out, "photomaker", PHOTOMAKER_MODEL);
    },

    async flux(input, call = {}): Promise<GeneratedImage> {
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
        call.signal,
      );
      return made(out, "flux", options.fluxModel);
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
        const alert = engineAlert("huggingface");
        return {
          ok: !alert,
          detail: `PhotoMaker endpoint answered HTTP ${response.status}${note}${alert ? `; alert: ${alert.code} ${alert.detail}` : ""}`,
          photomaker: photomakerModel,
          alert: alert ? `${alert.code}: ${alert.detail}` : null,
        };
      } catch (error) {
        const failure = classifyError(error);
        return { ok: false, detail: `PhotoMaker endpoint unreachable: ${failure.code} ${failure.detail ?? ""}`.trim(), photomaker: photomakerModel };
      }
    },
  };
}
