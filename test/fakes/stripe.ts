import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Stripe from "stripe";
import { readBody, sendJson, serveRoutes, type Route } from "./http";

/**
 * A faithful fake of the part of Stripe the app uses, on loopback (the app's client reaches it
 * through its host/port/protocol options, STRIPE_API_BASE):
 *   POST /v1/checkout/sessions  creates a Checkout Session from form-encoded params in Stripe's
 *                               bracket notation, answering the Session object
 *                               (https://docs.stripe.com/api/checkout/sessions/create, …/object);
 *                               a bearer secret key is required, as on Stripe (401 otherwise)
 *   GET  /pay/:id               the hosted Checkout page: what is bought, and a Pay button (a plain form)
 *   POST /pay/:id               pays: the session becomes complete and paid with a payment intent,
 *                               the browser is sent to success_url ({CHECKOUT_SESSION_ID} filled in),
 *                               and `checkout.session.completed` is POSTed to the webhook a moment
 *                               later, signed as Stripe signs (https://docs.stripe.com/webhooks/signature)
 *   POST /__stripe/refund       {sessionId, amount?}: refunds (part of) its charge; sends `charge.refunded`
 *   POST /__stripe/resend       {eventId}: delivers an event again (Stripe's retries and replays)
 *   GET  /__stripe/sessions     the sessions created, with the params the app sent
 *   GET  /__stripe/deliveries   every webhook delivery and the app's answer
 * Events follow https://docs.stripe.com/api/events/object.
 */

export interface FakeSession {
  params: Record<string, unknown>;
  session: Record<string, unknown> & { id: string; url: string; payment_status: string; amount_total: number; currency: string; payment_intent: string | null };
  charge: (Record<string, unknown> & { id: string; amount: number; amount_refunded: number }) | null;
}

export interface FakeStripe {
  route: Route;
  sessions: Map<string, FakeSession>;
  deliveries: Array<{ eventId: string; type: string; status: number }>;
  events: Map<string, Record<string, unknown>>;
  /** Pays a session as the hosted page's button does (without the browser redirect); resolves once the webhook was delivered. */
  pay(sessionId: string): Promise<number>;
  refund(sessionId: string, amount?: number): Promise<number>;
  resend(eventId: string): Promise<number>;
  reset(): void;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/** Stripe's form encoding: `line_items[0][price_data][currency]=usd` → nested objects and arrays. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot = node as Record<string, unknown>;
      if (last) slot[part] = value;
      else {
        slot[part] ??= nextIsIndex ? [] : {};
        node = slot[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

export function createFakeStripe(options: { webhookUrl: string; webhookSecret: string; publicUrl: string }): FakeStripe {
  const sessions = new Map<string, FakeSession>();
  const events = new Map<string, Record<string, unknown>>();
  const deliveries: FakeStripe["deliveries"] = [];

  async function deliver(event: Record<string, unknown>): Promise<number> {
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
    let status = 0;
    try {
      const res = await fetch(options.webhookUrl, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload });
      status = res.status;
      await res.text();
    } catch {
      status = 0;
    }
    deliveries.push({ eventId: String(event.id), type: String(event.type), status });
    return status;
  }

  function emit(type: string, object: Record<string, unknown>): Promise<number> {
    const event = {
      id: id("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: Math.floor(Date.now() / 1000),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    events.set(event.id, event);
    return deliver(event);
  }

  function createSession(params: Record<string, unknown>): FakeSession {
    const items = (params.line_items ?? []) as Array<{ quantity?: string; price_data?: { currency?: string; unit_amount?: string } }>;
    const amount = items.reduce((sum, item) => sum + Number(item.price_data?.unit_amount ?? 0) * Number(item.quantity ?? 1), 0);
    const sessionId = id("cs");
    const session: FakeSession["session"] = {
      id: sessionId,
      object: "checkout.session",
      mode: params.mode,
      status: "open",
      payment_status: "unpaid",
      amount_subtotal: amount,
      amount_total: amount,
      currency: items[0]?.price_data?.currency ?? "usd",
      client_reference_id: params.client_reference_id ?? null,
      customer_email: params.customer_email ?? null,
      metadata: params.metadata ?? {},
      success_url: params.success_url,
      cancel_url: params.cancel_url ?? null,
      payment_intent: null,
      livemode: false,
      created: Math.floor(Date.now() / 1000),
      expires_at: Math.floor(Date.now() / 1000) + 86_400,
      url: `${options.publicUrl}/pay/${sessionId}`,
    };
    const created = { params, session, charge: null };
    sessions.set(sessionId, created);
    return created;
  }

  async function pay(sessionId: string): Promise<number> {
    const found = sessions.get(sessionId);
    if (!found) throw new Error(`no session ${sessionId}`);
    if (found.session.payment_status !== "paid") {
      const paymentIntent = id("pi");
      Object.assign(found.session, { status: "complete", payment_status: "paid", payment_intent: paymentIntent });
      const intentMetadata = ((found.params.payment_intent_data as { metadata?: unknown } | undefined)?.metadata ?? {}) as Record<string, unknown>;
      found.charge = {
        id: id("ch"),
        object: "charge",
        amount: found.session.amount_total,
        amount_captured: found.session.amount_total,
        amount_refunded: 0,
        currency: found.session.currency,
        paid: true,
        refunded: false,
        status: "succeeded",
        payment_intent: paymentIntent,
        metadata: intentMetadata,
      };
    }
    return emit("checkout.session.completed", found.session);
  }

  async function refund(sessionId: string, amount?: number): Promise<number> {
    const charge = sessions.get(sessionId)?.charge;
    if (!charge) throw new Error(`session ${sessionId} has no charge to refund`);
    charge.amount_refunded = Math.min(charge.amount, charge.amount_refunded + (amount ?? charge.amount - charge.amount_refunded));
    charge.refunded = charge.amount_refunded === charge.amount;
    return emit("charge.refunded", charge);
  }

  async function resend(eventId: string): Promise<number> {
    const event = events.get(eventId);
    if (!event) throw new Error(`no event ${eventId}`);
    return deliver(event);
  }

  function page(res: ServerResponse, found: FakeSession): true {
    const s = found.session;
    const name = ((found.params.line_items as Array<{ price_data?: { product_data?: { name?: string } } }>)?.[0]?.price_data?.product_data?.name ?? "Purchase").replace(/[<>&"]/g, "");
    const price = `${(s.amount_total / 100).toFixed(2)} ${s.currency.toUpperCase()}`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="en"><head><title>Test checkout</title></head><body>
<main><h1>Test checkout</h1><p data-testid="item">${name}</p><p data-testid="price">${price}</p>
<form method="post" action="/pay/${s.id}"><button type="submit">Pay ${price}</button></form>
<p><a href="${String(s.cancel_url ?? "/")}">Cancel</a></p></main></body></html>`);
    return true;
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === "/v1/checkout/sessions" && req.method === "POST") {
      if (!/^Bearer sk_test_\w+/.test(req.headers.authorization ?? "")) {
        return sendJson(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
      }
      const params = parseStripeForm((await readBody(req)).toString("utf8"));
      if (params.mode !== "payment" || !params.success_url || !Array.isArray(params.line_items) || params.line_items.length === 0) {
        return sendJson(res, 400, { error: { type: "invalid_request_error", message: "mode=payment, success_url and line_items are required here" } });
      }
      return sendJson(res, 200, createSession(params).session);
    }
    const payPath = /^\/pay\/([\w]+)$/.exec(path);
    if (payPath) {
      const found = sessions.get(payPath[1]!);
      if (!found) return sendJson(res, 404, { error: "No such checkout session" });
      if (req.method === "GET") return page(res, found);
      // Stripe redirects at once and delivers the event on its own schedule: a moment later here.
      setTimeout(() => void pay(found.session.id), 400);
      res.writeHead(303, { location: String(found.session.success_url).replace("{CHECKOUT_SESSION_ID}", found.session.id) }).end();
      return true;
    }
    if (path === "/__stripe/sessions") return sendJson(res, 200, [...sessions.values()]);
    if (path === "/__stripe/deliveries") return sendJson(res, 200, deliveries);
    if (path === "/__stripe/refund" && req.method === "POST") {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { sessionId: string; amount?: number };
      return sendJson(res, 200, { status: await refund(body.sessionId, body.amount) });
    }
    if (path === "/__stripe/resend" && req.method === "POST") {
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { eventId: string };
      return sendJson(res, 200, { status: await resend(body.eventId) });
    }
    if (path === "/__stripe/reset" && req.method === "POST") {
      fake.reset();
      return sendJson(res, 200, { ok: true });
    }
    return false;
  }

  const fake: FakeStripe = {
    route,
    sessions,
    deliveries,
    events,
    pay,
    refund,
    resend,
    reset() {
      sessions.clear();
      events.clear();
      deliveries.length = 0;
    },
  };
  return fake;
}

/** The fake on a port of its own (Vitest). */
export async function startFakeStripe(options: { webhookUrl: string; webhookSecret: string }) {
  let publicUrl = "";
  const fake = createFakeStripe({ ...options, get publicUrl() {
    return publicUrl;
  } });
  const served = await serveRoutes([fake.route]);
  publicUrl = served.url;
  return { ...fake, url: served.url, close: served.close };
}
