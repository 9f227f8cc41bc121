import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleStripeWebhook } from "~/server/billing/webhook";
import { getBalance, ledgerSum } from "~/server/credits";
import { creditLedger, creditPurchases } from "~/server/db/schema";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";

/**
 * The Stripe webhook on the real database: events signed as Stripe signs them
 * (stripe.webhooks.generateTestHeaderString), shaped as https://docs.stripe.com/api/events/object.
 */
const SECRET = "whsec_test_secret_for_webhooks";
const quiet = { info() {}, warn() {}, error() {} };
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const deliver = (payload: string, signature: string | null = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET })) =>
  handleStripeWebhook({ db: app.db, env: { STRIPE_WEBHOOK_SECRET: SECRET }, logger: quiet }, payload, signature);

const rid = (prefix: string) => `${prefix}_test_${randomBytes(8).toString("hex")}`;

function event(type: string, object: Record<string, unknown>) {
  return JSON.stringify({ id: rid("evt"), object: "event", api_version: Stripe.API_VERSION, created: Math.floor(Date.now() / 1000), data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type });
}

function paidSession(buyer: TestUser, pack = "starter", paymentStatus = "paid") {
  return { id: rid("cs"), object: "checkout.session", mode: "payment", status: "complete", payment_status: paymentStatus, amount_total: 499, currency: "usd", client_reference_id: buyer.id, metadata: { pack }, payment_intent: rid("pi") };
}

function charge(session: { payment_intent: string }, amount: number, refunded: number) {
  return { id: rid("ch"), object: "charge", amount, amount_refunded: refunded, currency: "usd", refunded: refunded === amount, payment_intent: session.payment_intent, metadata: {} };
}

describe("POST /api/stripe/webhook", () => {
  it("grants a paid starter pack's 100 credits once: the same event again grants nothing", async () => {
    const buyer = await app.signUp();
    const session = paidSession(buyer);
    const completed = event("checkout.session.completed", session);
    expect(await deliver(completed)).toEqual({ status: 200, body: { received: true, granted: 100, ledgerEntryId: expect.any(Number) } });
    expect(await getBalance(app.db, buyer.id)).toBe(200);
    // Stripe's retry: the same event, signed again.
    expect(await deliver(completed)).toEqual({ status: 200, body: { received: true, granted: 0, replayed: true } });
    // A different event for the same session (async_payment_succeeded after completed) grants nothing either.
    expect((await deliver(event("checkout.session.async_payment_succeeded", session))).body).toMatchObject({ granted: 0, replayed: true });
    expect(await getBalance(app.db, buyer.id)).toBe(200);
    const entries = await buyer.caller.credits.history({ limit: 10 });
    expect(entries.entries.map((e) => [e.kind, e.amount, e.description])).toEqual([
      ["purchase", 100, `Starter pack — 100 credits (Stripe ${session.id})`],
      ["grant", 100, "Welcome credits"],
    ]);
    const [purchase] = await app.db.select().from(creditPurchases).where(eq(creditPurchases.sessionId, session.id));
    expect(purchase).toMatchObject({ userId: buyer.id, pack: "starter", credits: 100, amountTotal: 499, currency: "usd", paymentIntentId: session.payment_intent });
  });

  it("refuses a forged, stale or missing signature with 400 and changes nothing", async () => {
    const buyer = await app.signUp();
    const payload = event("checkout.session.completed", paidSession(buyer, "studio"));
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_someone_else" });
    expect((await deliver(payload, forged)).status).toBe(400);
    expect((await deliver(payload, null)).status).toBe(400);
    const old = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await deliver(payload, old)).status).toBe(400);
    const tampered = payload.replace('"studio"', '"creator"');
    expect((await deliver(tampered, Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }))).status).toBe(400);
    expect(await getBalance(app.db, buyer.id)).toBe(100);
  });

  it("answers 200 to events it doesn't handle, and waits for the payment of an unpaid session", async () => {
    const buyer = await app.signUp();
    expect(await deliver(event("customer.created", { id: rid("cus"), object: "customer" }))).toEqual({ status: 200, body: { received: true, ignored: "customer.created" } });
    const pending = paidSession(buyer, "creator", "unpaid");
    expect((await deliver(event("checkout.session.completed", pending))).body).toMatchObject({ ignored: "payment unpaid" });
    expect(await getBalance(app.db, buyer.id)).toBe(100);
    expect((await deliver(event("checkout.session.async_payment_succeeded", { ...pending, payment_status: "paid" }))).body).toMatchObject({ granted: 500 });
    expect(await getBalance(app.db, buyer.id)).toBe(600);
  });

  it("takes a refunded purchase's credits back, in proportion, once per refunded amount", async () => {
    const buyer = await app.signUp();
    const session = paidSession(buyer, "creator");
    await deliver(event("checkout.session.completed", { ...session, amount_total: 1999 }));
    expect(await getBalance(app.db, buyer.id)).toBe(600);
    const half = event("charge.refunded", charge(session, 1999, 1000));
    expect((await deliver(half)).body).toMatchObject({ takenBack: 250, uncollected: 0 });
    expect((await deliver(half)).body).toMatchObject({ takenBack: 0, replayed: true });
    expect((await deliver(event("charge.refunded", charge(session, 1999, 1999)))).body).toMatchObject({ takenBack: 250 });
    expect(await getBalance(app.db, buyer.id)).toBe(100);
    const history = await buyer.caller.credits.history({ limit: 10 });
    expect(history.entries.slice(0, 2).map((e) => [e.kind, e.amount])).toEqual([
      ["debit", -250],
      ["debit", -250],
    ]);
    expect(history.entries[0]!.description).toBe(`Refund of the Creator pack (Stripe ${session.id}): 250 credits taken back`);
    expect(await ledgerSum(app.db, buyer.id)).toBe(100);
  });

  it("never goes below zero: what was already spent is recorded, not taken", async () => {
    const buyer = await app.signUp();
    const session = paidSession(buyer);
    await deliver(event("checkout.session.completed", session));
    await app.db.transaction(async (tx) => {
      const { debitInTransaction } = await import("~/server/credits");
      await debitInTransaction(tx, { userId: buyer.id, amount: 170, description: "spent on avatars", takenBy: "test" });
    });
    expect(await getBalance(app.db, buyer.id)).toBe(30);
    expect((await deliver(event("charge.refunded", charge(session, 499, 499)))).body).toMatchObject({ takenBack: 30, uncollected: 70 });
    expect(await getBalance(app.db, buyer.id)).toBe(0);
    const [entry] = await app.db.select().from(creditLedger).where(and(eq(creditLedger.userId, buyer.id), eq(creditLedger.referenceType, "stripe_charge")));
    expect(entry).toMatchObject({ userId: buyer.id, kind: "debit", amount: -30, balanceAfter: 0, grantedBy: "stripe" });
    expect(entry!.description).toBe(`Refund of the Starter pack (Stripe ${session.id}): 30 of 100 credits taken back; 70 were already spent`);
    const [purchase] = await app.db.select().from(creditPurchases).where(eq(creditPurchases.sessionId, session.id));
    expect(purchase).toMatchObject({ amountRefunded: 499, creditsReversed: 100, creditsUncollected: 70 });
  });

  it("ignores a refund of a charge that is not one of our purchases", async () => {
    expect((await deliver(event("charge.refunded", charge({ payment_intent: rid("pi") }, 500, 500)))).body).toEqual({ received: true, ignored: "not a purchase of ours" });
  });

  it("answers 503 while the webhook secret is not set up", async () => {
    const payload = event("customer.created", {});
    const answer = await handleStripeWebhook({ db: app.db, env: { STRIPE_WEBHOOK_SECRET: undefined }, logger: quiet }, payload, "t=1,v1=x");
    expect(answer.status).toBe(503);
  });
});
