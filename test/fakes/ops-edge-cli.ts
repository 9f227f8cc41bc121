/**
 * The outside world of the browser tests' operations server, in one process on loopback:
 *   tsx test/fakes/ops-edge-cli.ts --port 9432 --executor http://127.0.0.1:8390
 *   /health    readiness
 *   /relay/…   the network to the executor, able to lose events (event-relay.ts)
 * Prints one JSON line {url} when listening.
 */
import { createEventRelay } from "./event-relay";
import { sendJson, serveRoutes, type Route } from "./http";

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const port = Number(arg("--port") ?? 9432);
const executorUrl = arg("--executor");
if (!Number.isInteger(port) || port < 0 || port > 65535 || !executorUrl) {
  console.error("usage: ops-edge-cli.ts --port <port> --executor <executor url>");
  process.exit(2);
}

const relay = createEventRelay({ executorUrl, prefix: "/relay" });
const health: Route = async (_req, res, path) => path === "/health" && sendJson(res, 200, { ok: true });
const edge = await serveRoutes([health, relay.route], port);
console.log(JSON.stringify({ url: edge.url }));

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  edge.close().then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
