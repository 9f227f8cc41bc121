/**
 * Runs the fake Replicate server as its own process, for a browser-test server:
 *   tsx test/fakes/replicate-cli.ts --port 9532
 * Prints one JSON line {url, baseUrl} when listening; script it over HTTP
 * (POST /__fake/enqueue {answers, target}, GET /__fake/requests, GET /__fake/state, POST /__fake/reset).
 * Point the app at it with GENERATION_ENGINE=replicate, REPLICATE_BASE_URL=<baseUrl> and any REPLICATE_API_TOKEN.
 */
import { runFakeCli } from "./http";
import { startFakeReplicate } from "./replicate";

await runFakeCli(9532, (port) => startFakeReplicate({ port }), (fake) => ({ url: fake.url, baseUrl: fake.baseUrl }));
