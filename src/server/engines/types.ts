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

/** Who serves the models: a Hugging Face endpoint (and router), Replicate, or this machine. */
export type EngineName = "huggingface" | "replicate" | "offline";

export interface GeneratedImage {
  bytes: Buffer;
  /** Judged from the bytes (sharp), not from what the server claimed. */
  contentType: string;
  engine: "photomaker" | "flux" | "offline";
  model: string;
  /** True for the offline engine: never to be passed off as a PhotoMaker result. */
  offlinePreview: boolean;
  /** The engine that served it. */
  provider: EngineName;
  /** The model version that ran, when the provider names one (Replicate's version id). */
  version: string | null;
  /** The provider's id for this run (Replicate's prediction id), for support and billing questions. */
  predictionId: string | null;
  /** What the model itself produced, before it was fitted to the tier's size (often the same). */
  modelWidth: number;
  modelHeight: number;
}

/** What an engine runs for PhotoMaker (and FLUX), as health, metrics and check:photomaker name it. */
export interface ModelInfo {
  model: string;
  /** null until resolved (Replicate's latest version), or when the provider has none to name. */
  version: string | null;
  /** How people see it: "PhotoMaker V2", "PhotoMaker V1 via Replicate", "Offline preview". */
  label: string;
}

export interface EngineHealth {
  ok: boolean;
  detail: string;
  /** What PhotoMaker is here, with the version resolved when the engine could ask. */
  photomaker?: ModelInfo;
  /** An operator alert the engine raised (the provider's account is out of credit…), or null. */
  alert?: string | null;
}

/** What a long call reports while it runs (Replicate's prediction statuses). */
export interface EngineProgress {
  status: "starting" | "processing";
  predictionId: string;
}

export interface EngineCallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: EngineProgress) => void;
}

export interface Engine {
  readonly name: EngineName;
  /** What PhotoMaker and FLUX are on this engine (no network: versions as configured). */
  readonly models: { photomaker: ModelInfo; flux: ModelInfo };
  /** Throws GenerationFailure on any failure. */
  photomaker(input: GenerationInput, options?: EngineCallOptions): Promise<GeneratedImage>;
  /** Throws GenerationFailure on any failure. */
  flux(input: GenerationInput, options?: EngineCallOptions): Promise<GeneratedImage>;
  health(): Promise<EngineHealth>;
}
