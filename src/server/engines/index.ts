import { createHuggingFaceEngine } from "./huggingface";
import { createOfflineEngine } from "./offline";
import { createReplicateEngine } from "./replicate";
import { redirectHuggingFaceHosts } from "./redirect";
import type { Engine, EngineName } from "./types";

export type { Engine, EngineHealth, EngineName, EngineProgress, GeneratedImage, GenerationInput, ModelInfo } from "./types";
export { classifyError, parseRetryAfter, type CapturedResponse } from "./classify";
export { createHuggingFaceEngine, verifyImage, PHOTOMAKER_MODEL } from "./huggingface";
export { createOfflineEngine, OFFLINE_MODEL, OFFLINE_LABEL } from "./offline";
export { redirectHuggingFaceHosts } from "./redirect";
export { createReplicateEngine, DATA_URI_MAX_BYTES, REPLICATE_POLL_MS } from "./replicate";
export { engineAlert } from "./alerts";
export { fluxLabel, photomakerLabel } from "./labels";

/** The fields of the validated env (src/server/env.ts) that choose and configure the engine. */
export interface EngineConfig {
  GENERATION_ENGINE: "auto" | "huggingface" | "replicate" | "offline";
  HUGGINGFACE_API_KEY?: string | undefined;
  PHOTOMAKER_ENDPOINT_URL?: string | undefined;
  FLUX_MODEL: string;
  FLUX_PROVIDER: string;
  /** Tests only: every Hugging Face host goes to this base URL (the fake server). */
  HUGGINGFACE_HOSTS_OVERRIDE?: string | undefined;
  REPLICATE_API_TOKEN?: string | undefined;
  REPLICATE_BASE_URL: string;
  REPLICATE_PHOTOMAKER_MODEL: string;
  REPLICATE_FLUX_MODEL: string;
}

export class EngineConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineConfigError";
  }
}

/**
 * Which engine a config selects, without building it (for health reports and logs). auto: our
 * own PhotoMaker endpoint when it is configured, else Replicate when its token is set, else offline.
 */
export function selectedEngine(config: EngineConfig): EngineName {
  if (config.GENERATION_ENGINE !== "auto") return config.GENERATION_ENGINE;
  if (config.HUGGINGFACE_API_KEY && config.PHOTOMAKER_ENDPOINT_URL) return "huggingface";
  return config.REPLICATE_API_TOKEN ? "replicate" : "offline";
}

export interface EngineOptions {
  fetch?: typeof fetch;
  /** Our deadline per attempt (default PHOTOMAKER_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Replicate: between two looks at a running prediction (default 2 s). */
  pollIntervalMs?: number;
}

/**
 * auto falls back to offline so a fresh clone works. Asking for an engine explicitly without what
 * it needs is a configuration error, not a silent downgrade to previews.
 */
export function createEngine(config: EngineConfig, options: EngineOptions = {}): Engine {
  const selected = selectedEngine(config);
  if (selected === "offline") return createOfflineEngine();
  const base = options.fetch ?? fetch;
  if (selected === "replicate") {
    if (!config.REPLICATE_API_TOKEN) throw new EngineConfigError("GENERATION_ENGINE=replicate needs REPLICATE_API_TOKEN to be set");
    return createReplicateEngine({
      token: config.REPLICATE_API_TOKEN,
      baseUrl: config.REPLICATE_BASE_URL,
      photomakerModel: config.REPLICATE_PHOTOMAKER_MODEL,
      fluxModel: config.REPLICATE_FLUX_MODEL,
      fetch: base,
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    });
  }
  const token = config.HUGGINGFACE_API_KEY;
  const endpointUrl = config.PHOTOMAKER_ENDPOINT_URL;
  if (!token || !endpointUrl) {
    const missing = [!token && "HUGGINGFACE_API_KEY", !endpointUrl && "PHOTOMAKER_ENDPOINT_URL"].filter(Boolean);
    throw new EngineConfigError(`GENERATION_ENGINE=huggingface needs ${missing.join(" and ")} to be set`);
  }
  return createHuggingFaceEngine({
    token,
    endpointUrl,
    fluxModel: config.FLUX_MODEL,
    fluxProvider: config.FLUX_PROVIDER,
    fetch: config.HUGGINGFACE_HOSTS_OVERRIDE ? redirectHuggingFaceHosts(config.HUGGINGFACE_HOSTS_OVERRIDE, base) : base,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
}
