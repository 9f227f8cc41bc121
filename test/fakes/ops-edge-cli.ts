/**
 * The outside world of the browser tests' operations server, in one process on loopback:
 *   tsx test/fakes/ops-edge-cli.ts --port 9432 --smtp-port 9433 --executor http://127.0.0.1:8390 \
 *     --webhook http://localhost:3102/api/stripe/webhook --webhook-secret whsec_…
 *   /health       readiness
 *   /relay/…      the network to the executor, able to lose events (event-relay.ts)
 *   /v1/…, /pay/… Stripe's API and hosted Checkout page (stripe.ts; control under /__stripe/…)
 *   /__mail       the mails the SMTP server on --smtp-port received (mailbox.ts), as JSON
 * Prints one JSON line {url, smtp} when listening.
 */
import { createEventRelay } from "./event-relay";
import { sendJson, serveRoutes, type Route } from "./http";
import { startMailbox } from "./mailbox";
import { createFakeStripe } from "./stripe";

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const port = Number(arg("--port") ?? 9432);
const smtpPort = Number(arg("--smtp-port") ?? 9433);
const executorUrl = arg("--executor");
const webhookUrl = arg("--webhook");
const webhookSecret = arg("--webhook-secret");
if (![port, smtpPort].every((p) => Number.isInteger(p) && p > 0 && p < 65536) || !executorUrl || !webhookUrl || !webhookSecret) {
  console.error("usage: ops-edge-cli.ts --port <port> --smtp-port <port> --executor <url> --webhook <url> --webhook-secret <whsec_…>");
  process.exit(2);
}

const mailbox = await startMailbox({ port: smtpPort });
const relay = createEventRelay({ executorUrl, prefix: "/relay" });
const stripe = createFakeStripe({ webhookUrl, webhookSecret, publicUrl: `http://127.0.0.1:${port}` });
const health: Route = async (_req, res, path) => path === "/health" && sendJson(res, 200, { ok: true });
const mail: Route = async (_req, res, path) => path === "/__mail" && sendJson(res, 200, mailbox.mails);
const edge = await serveRoutes([health, mail, relay.route, stripe.route], port);
console.log(JSON.stringify({ url: edge.url, smtp: mailbox.url }));

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  Promise.all([edge.close(), mailbox.close()]).then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
