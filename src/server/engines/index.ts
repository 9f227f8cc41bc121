import { createHuggingFaceEngine } from "./huggingface";
import { createOfflineEngine } from "./offline";
import { redirectHuggingFaceHosts } from "./redirect";
import type { Engine } from "./types";

export type { Engine, EngineHealth, GeneratedImage, GenerationInput } from "./types";
export { classifyError, parseRetryAfter, type CapturedResponse } from "./classify";
export { createHuggingFaceEngine, verifyImage, PHOTOMAKER_MODEL } from "./huggingface";
export { createOfflineEngine, OFFLINE_MODEL, OFFLINE_LABEL } from "./offline";
export { redirectHuggingFaceHosts } from "./redirect";

/** The fields of the validated env (src/server/env.ts) that choose and configure the engine. */
export interface EngineConfig {
  GENERATION_ENGINE: "auto" | "huggingface" | "offline";
  HUGGINGFACE_API_KEY?: string | undefined;
  PHOTOMAKER_ENDPOINT_URL?: string | undefined;
  FLUX_MODEL: string;
  FLUX_PROVIDER: string;
  /** Tests only: every Hugging Face host goes to this base URL (the fake server). */
  HUGGINGFACE_HOSTS_OVERRIDE?: string | undefined;
}

export class EngineConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineConfigError";
  }
}

/** Which engine a config selects, without building it (for health reports and logs). */
export function selectedEngine(config: EngineConfig): "huggingface" | "offline" {
  if (config.GENERATION_ENGINE !== "auto") return config.GENERATION_ENGINE;
  return config.HUGGINGFACE_API_KEY && config.PHOTOMAKER_ENDPOINT_URL ? "huggingface" : "offline";
}

/**
 * auto = Hugging Face when both the key and the endpoint are set, else offline (so a fresh
 * clone works). Asking for "huggingface" explicitly without them is a configuration error, not
 * a silent downgrade to previews.
 */
export function createEngine(config: EngineConfig, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Engine {
  if (selectedEngine(config) === "offline") return createOfflineEngine();
  const token = config.HUGGINGFACE_API_KEY;
  const endpointUrl = config.PHOTOMAKER_ENDPOINT_URL;
  if (!token || !endpointUrl) {
    const missing = [!token && "HUGGINGFACE_API_KEY", !endpointUrl && "PHOTOMAKER_ENDPOINT_URL"].filter(Boolean);
    throw new EngineConfigError(`GENERATION_ENGINE=huggingface needs ${missing.join(" and ")} to be set`);
  }
  const base = options.fetch ?? fetch;
  return createHuggingFaceEngine({
    token,
    endpointUrl,
    fluxModel: config.FLUX_MODEL,
    fluxProvider: config.FLUX_PROVIDER,
    fetch: config.HUGGINGFACE_HOSTS_OVERRIDE ? redirectHuggingFaceHosts(config.HUGGINGFACE_HOSTS_OVERRIDE, base) : base,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
}
