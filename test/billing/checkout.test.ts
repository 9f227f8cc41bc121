import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleStripeWebhook } from "~/server/billing/webhook";
import { parseEnv } from "~/server/env";
import { startFakeStripe } from "../fakes/stripe";
import { createTestApp, type TestApp } from "../helpers/app";
import { codeOf } from "../helpers/trpc";

/**
 * Buying a pack end to end with nothing leaving the machine: billing.checkout creates the Checkout
 * Session on the fake Stripe (the real `stripe` client, pointed there by its host/port/protocol
 * options), the fake "pays" and POSTs the signed event to the app's webhook over HTTP, and the
 * balance moves once.
 */
const SECRET = "whsec_checkout_test";
let app: TestApp;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
let hook: Server;

beforeAll(async () => {
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void handleStripeWebhook({ db: app.db, env: { STRIPE_WEBHOOK_SECRET: SECRET }, logger: { info() {}, warn() {}, error() {} } }, Buffer.concat(chunks), req.headers["stripe-signature"]?.toString() ?? null).then((answer) =>
        res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body)),
      );
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  stripe = await startFakeStripe({ webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, webhookSecret: SECRET });
  app = await createTestApp({
    env: { STRIPE_SECRET_KEY: "sk_test_fake_key", STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: stripe.url, BETTER_AUTH_URL: "https://avatars.example.com" },
  });
});
afterAll(async () => {
  await app?.close();
  await stripe?.close();
  hook?.close();
});

describe("billing", () => {
  it("lists the packs with their prices", async () => {
    const { caller } = await app.signUp();
    const { enabled, packs } = await caller.billing.packs();
    expect(enabled).toBe(true);
    expect(packs.map((p) => [p.id, p.credits, p.price, p.currency, p.priceLabel])).toEqual([
      ["starter", 100, 499, "usd", "$4.99"],
      ["creator", 500, 1999, "usd", "$19.99"],
      ["studio", 1500, 4999, "usd", "$49.99"],
    ]);
  });

  it("creates a payment-mode Checkout Session for the buyer and the pack, and the paid session's webhook grants it once", async () => {
    const buyer = await app.signUp();
    const { url, sessionId } = await buyer.caller.billing.checkout({ pack: "starter" });
    expect(url).toBe(`${stripe.url}/pay/${sessionId}`);
    const sent = stripe.sessions.get(sessionId)!.params;
    expect(sent).toEqual({
      mode: "payment",
      line_items: [{ quantity: "1", price_data: { currency: "usd", unit_amount: "499", product_data: { name: "Starter pack — 100 credits", description: "Avatar Studio credits" } } }],
      client_reference_id: buyer.id,
      customer_email: buyer.email,
      metadata: { pack: "starter", credits: "100", userId: buyer.id },
      payment_intent_data: { metadata: { pack: "starter", credits: "100", userId: buyer.id } },
      success_url: "https://avatars.example.com/credits?purchase=success&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "https://avatars.example.com/credits?purchase=cancelled",
    });
    expect((await buyer.caller.credits.balance()).balance).toBe(100);

    expect(await stripe.pay(sessionId)).toBe(200);
    expect((await buyer.caller.credits.balance()).balance).toBe(200);
    const completed = stripe.deliveries.find((d) => d.type === "checkout.session.completed")!;
    expect(await stripe.resend(completed.eventId)).toBe(200);
    expect((await buyer.caller.credits.balance()).balance).toBe(200);

    expect(await stripe.refund(sessionId)).toBe(200);
    expect((await buyer.caller.credits.balance()).balance).toBe(100);
    expect((await buyer.caller.credits.history({ limit: 5 })).entries.map((e) => [e.kind, e.amount])).toEqual([
      ["debit", -100],
      ["purchase", 100],
      ["grant", 100],
    ]);
  });

  it("refuses an unknown pack before calling Stripe", async () => {
    const { caller } = await app.signUp();
    const before = stripe.sessions.size;
    expect(await codeOf(caller.billing.checkout({ pack: "mega" as "starter" }))).toBe("BAD_REQUEST");
    expect(stripe.sessions.size).toBe(before);
  });
});

describe("billing without Stripe keys", () => {
  it("says purchases are not set up, and refuses a checkout", async () => {
    const bare = await createTestApp();
    try {
      const { caller } = await bare.signUp();
      expect((await caller.billing.packs()).enabled).toBe(false);
      expect(await codeOf(caller.billing.checkout({ pack: "starter" }))).toBe("PRECONDITION_FAILED");
    } finally {
      await bare.close();
    }
  });

  it("takes pack prices and currency from the environment, and names a bad value", () => {
    const e = parseEnv({ CREDIT_PACK_PRICES: "starter=999, studio=7999", CREDIT_PACK_CURRENCY: "EUR" });
    expect(e.CREDIT_PACK_PRICES).toEqual({ starter: 999, studio: 7999 });
    expect(e.CREDIT_PACK_CURRENCY).toBe("eur");
    expect(() => parseEnv({ CREDIT_PACK_PRICES: "mega=100" })).toThrow(/CREDIT_PACK_PRICES: "mega=100" is not/);
    expect(() => parseEnv({ CREDIT_PACK_PRICES: "starter=4.99" })).toThrow(/CREDIT_PACK_PRICES/);
  });
});
