import { handleStripeWebhook } from "~/server/billing/webhook";
import { logger } from "~/server/logger";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

/** Stripe's events (src/server/billing/webhook.ts). The signature covers the raw bytes: read them as they came. */
export async function POST(req: Request) {
  const { db, env } = await getServices();
  const answer = await handleStripeWebhook({ db, env, logger }, Buffer.from(await req.arrayBuffer()), req.headers.get("stripe-signature"));
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store" } });
}
