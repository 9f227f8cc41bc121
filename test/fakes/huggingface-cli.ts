/**
 * Runs the fake Hugging Face server as its own process, for a browser-test server:
 *   tsx test/fakes/huggingface-cli.ts --port 9400
 * Prints one JSON line {url, photomakerUrl} when listening; script it over HTTP
 * (POST /__fake/enqueue {answers, target}, GET /__fake/requests, POST /__fake/reset).
 * Point the app at it with PHOTOMAKER_ENDPOINT_URL=<photomakerUrl>,
 * HUGGINGFACE_HOSTS_OVERRIDE=<url>, FLUX_PROVIDER=hf-inference and any HUGGINGFACE_API_KEY.
 */
import { runFakeCli } from "./http";
import { startFakeHuggingFace } from "./huggingface";

await runFakeCli(9400, (port) => startFakeHuggingFace({ port }), (fake) => ({ url: fake.url, photomakerUrl: fake.photomakerUrl }));
