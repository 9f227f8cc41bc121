import { createEngine } from "~/server/engines";
import { parseEnv } from "~/server/env";
import type { FakeHuggingFace } from "../fakes/huggingface";

/**
 * The real Hugging Face engine (PhotoMaker endpoint, FLUX on hf-inference) pointed at the fake
 * Hugging Face server, as an operator would configure it against the real one.
 */
export function huggingFaceEngine(fake: FakeHuggingFace, options?: Parameters<typeof createEngine>[1]) {
  const config = parseEnv({
    GENERATION_ENGINE: "huggingface",
    HUGGINGFACE_API_KEY: "hf_test_token",
    PHOTOMAKER_ENDPOINT_URL: fake.photomakerUrl,
    FLUX_MODEL: "black-forest-labs/FLUX.1-schnell",
    FLUX_PROVIDER: "hf-inference",
    HUGGINGFACE_HOSTS_OVERRIDE: fake.url,
  });
  return createEngine(config, options);
}
