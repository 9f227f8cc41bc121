/**
 * Runs the fake Replicate server as its own process, for a browser-test server:
 *   tsx test/fakes/replicate-cli.ts --port 9532
 * Prints one JSON line {url, baseUrl} when listening; script it over HTTP
 * (POST /__fake/enqueue {answers, target}, GET /__fake/requests, GET /__fake/state, POST /__fake/reset).
 * Point the app at it with GENERATION_ENGINE=replicate, REPLICATE_BASE_URL=<baseUrl> and any REPLICATE_API_TOKEN.
 */
import { startFakeReplicate } from "./replicate";

const args = process.argv.slice(2);
const portArg = args[args.indexOf("--port") + 1];
const port = args.includes("--port") && portArg ? Number(portArg) : 9532;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${portArg}`);
  process.exit(2);
}

const fake = await startFakeReplicate({ port });
console.log(JSON.stringify({ url: fake.url, baseUrl: fake.baseUrl }));

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  fake.close().then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
