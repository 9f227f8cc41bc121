/**
 * Runs the fake Hugging Face server as its own process, for a browser-test server:
 *   tsx test/fakes/huggingface-cli.ts --port 9400
 * Prints one JSON line {url, photomakerUrl} when listening; script it over HTTP
 * (POST /__fake/enqueue {answers, target}, GET /__fake/requests, POST /__fake/reset).
 * Point the app at it with PHOTOMAKER_ENDPOINT_URL=<photomakerUrl>,
 * HUGGINGFACE_HOSTS_OVERRIDE=<url>, FLUX_PROVIDER=hf-inference and any HUGGINGFACE_API_KEY.
 */
import { startFakeHuggingFace } from "./huggingface";

const args = process.argv.slice(2);
const portArg = args[args.indexOf("--port") + 1];
const port = args.includes("--port") && portArg ? Number(portArg) : 9400;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${portArg}`);
  process.exit(2);
}

const fake = await startFakeHuggingFace({ port });
console.log(JSON.stringify({ url: fake.url, photomakerUrl: fake.photomakerUrl }));

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  fake.close().then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
