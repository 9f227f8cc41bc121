import { eq, sql } from "drizzle-orm";
import Stripe from "stripe";
import { debitInTransaction, grantInTransaction } from "../credits";
import type { Database } from "../db/client";
import { creditPurchases, user } from "../db/schema";
import type { Env } from "../env";
import type { Logger } from "../logger";
import { isPackId, packs } from "../packs";

/**
 * POST /api/stripe/webhook: Stripe's word on payments, checked against Stripe-Signature on the raw
 * body (STRIPE_WEBHOOK_SECRET) before anything is read. A paid Checkout Session grants its pack
 * exactly once (the session id is the grant's idempotency key and the purchase's primary key, so
 * Stripe's retries and replays grant nothing more); `charge.refunded` takes the refunded share of
 * the credits back, never below zero, recording what could not be taken. Anything else: 200, ignored.
 */

export interface WebhookDeps {
  db: Database;
  env: Pick<Env, "STRIPE_WEBHOOK_SECRET">;
  logger: Pick<Logger, "info" | "warn" | "error">;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function handleStripeWebhook(deps: WebhookDeps, rawBody: Buffer | string, signature: string | null): Promise<WebhookAnswer> {
  const secret = deps.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) return { status: 503, body: { error: "Stripe webhooks are not set up on this server (STRIPE_WEBHOOK_SECRET)" } };
  if (!signature) return { status: 400, body: { error: "Missing Stripe-Signature header" } };
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    deps.logger.warn({ err: (error as Error).message }, "stripe webhook: signature refused");
    return { status: 400, body: { error: `Bad signature: ${(error as Error).message}` } };
  }

  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      if (session.payment_status !== "paid") return { status: 200, body: { received: true, ignored: `payment ${session.payment_status}` } };
      const result = await grantPurchase(deps, session);
      return { status: 200, body: { received: true, ...result } };
    }
    case "charge.refunded":
      return { status: 200, body: { received: true, ...(await takeBackRefund(deps, event.data.object)) } };
    default:
      return { status: 200, body: { received: true, ignored: event.type } };
  }
}

/** The pack's credits for a paid session, once per session id. */
export async function grantPurchase(deps: Pick<WebhookDeps, "db" | "logger">, session: Stripe.Checkout.Session) {
  const userId = session.client_reference_id;
  const packId = session.metadata?.pack;
  const pack = packs().find((p) => p.id === packId);
  if (!userId || !isPackId(packId) || !pack) {
    deps.logger.warn({ session: session.id }, "stripe webhook: a paid session that is not a credit pack of ours");
    return { ignored: "not a credit pack" };
  }
  const [buyer] = await deps.db.select({ id: user.id }).from(user).where(eq(user.id, userId));
  if (!buyer) {
    deps.logger.error({ session: session.id, userId }, "stripe webhook: paid by an account that no longer exists; refund it in Stripe");
    return { ignored: "no such account" };
  }
  return deps.db.transaction(async (tx) => {
    const entry = await grantInTransaction(tx, {
      userId,
      kind: "purchase",
      amount: pack.credits,
      description: `${pack.name} pack — ${pack.credits} credits (Stripe ${session.id})`,
      grantedBy: "stripe",
      idempotencyKey: session.id,
      referenceType: "stripe_checkout_session",
      referenceId: session.id,
    });
    const inserted = await tx
      .insert(creditPurchases)
      .values({
        sessionId: session.id,
        userId,
        pack: pack.id,
        credits: pack.credits,
        amountTotal: session.amount_total ?? 0,
        currency: session.currency ?? "usd",
        paymentIntentId: idOf(session.payment_intent),
        ledgerEntryId: entry.id,
      })
      .onConflictDoNothing()
      .returning({ sessionId: creditPurchases.sessionId });
    return inserted.length > 0 ? { granted: pack.credits, ledgerEntryId: entry.id } : { granted: 0, replayed: true };
  });
}

/**
 * A refund (full or partial; Stripe sends the charge's running total) owes back the same share of
 * the pack's credits. Only what was not already taken back is taken, as much as the balance
 * allows: the rest is recorded on the purchase (credits_uncollected) and in the ledger entry.
 */
export async function takeBackRefund(deps: Pick<WebhookDeps, "db" | "logger">, charge: Stripe.Charge) {
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return { ignored: "charge without a payment intent" };
  return deps.db.transaction(async (tx) => {
    const [purchase] = await tx.select().from(creditPurchases).where(eq(creditPurchases.paymentIntentId, paymentIntentId)).for("update");
    if (!purchase) return { ignored: "not a purchase of ours" };
    const owedInAll = charge.amount > 0 ? Math.round((purchase.credits * Math.min(charge.amount_refunded, charge.amount)) / charge.amount) : 0;
    const owed = owedInAll - purchase.creditsReversed;
    if (owed <= 0) return { takenBack: 0, replayed: true };
    const what = `the ${packs().find((p) => p.id === purchase.pack)?.name ?? purchase.pack} pack (Stripe ${purchase.sessionId})`;
    const { taken, shortfall } = await debitInTransaction(tx, {
      userId: purchase.userId,
      amount: owed,
      upTo: true,
      takenBy: "stripe",
      description: (took, short) =>
        short === 0
          ? `Refund of ${what}: ${took} credits taken back`
          : `Refund of ${what}: ${took} of ${owed} credits taken back; ${short} were already spent`,
      referenceType: "stripe_charge",
      referenceId: charge.id,
    });
    await tx
      .update(creditPurchases)
      .set({
        amountRefunded: charge.amount_refunded,
        creditsReversed: sql`${creditPurchases.creditsReversed} + ${owed}`,
        creditsUncollected: sql`${creditPurchases.creditsUncollected} + ${shortfall}`,
        updatedAt: new Date(),
      })
      .where(eq(creditPurchases.sessionId, purchase.sessionId));
    if (shortfall > 0) deps.logger.warn({ session: purchase.sessionId, owed, taken, shortfall }, "stripe refund: credits already spent could not be taken back");
    return { takenBack: taken, uncollected: shortfall };
  });
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  return typeof value === "string" ? value : (value?.id ?? null);
}
