/**
 * One interface for every way of making an avatar image. The workflow calls `photomaker()`,
 * classifies nothing itself (engines throw GenerationFailure), and may call `flux()` when
 * FAILURES[code].fluxMayStandIn says so.
 */

export interface GenerationInput {
  /** PhotoMaker prompt, with exactly one `img` trigger after the class word. */
  prompt: string;
  negativePrompt: string;
  /** FLUX prompt: no trigger word (FLUX keeps no identity). */
  fluxPrompt: string;
  /** JPEG bytes, already validated by photo intake (1–4). */
  photos: Buffer[];
  width: number;
  height: number;
  steps: number;
  guidance: number;
  /** PhotoMaker's style_strength_ratio, 15–50 (lower keeps more identity). */
  styleStrengthRatio: number;
  seed: number;
  /** Style preset name (PhotoMaker demo names, e.g. "Cinematic"). */
  style: string;
}

export interface GeneratedImage {
  bytes: Buffer;
  /** Judged from the bytes (sharp), not from what the server claimed. */
  contentType: string;
  engine: "photomaker" | "flux" | "offline";
  model: string;
  /** True for the offline engine: never to be passed off as a PhotoMaker result. */
  offlinePreview: boolean;
}

export interface EngineHealth {
  ok: boolean;
  detail: string;
}

export interface Engine {
  readonly name: "huggingface" | "offline";
  /** Throws GenerationFailure on any failure. */
  photomaker(input: GenerationInput, signal?: AbortSignal): Promise<GeneratedImage>;
  /** Throws GenerationFailure on any failure. */
  flux(input: GenerationInput, signal?: AbortSignal): Promise<GeneratedImage>;
  health(): Promise<EngineHealth>;
}
