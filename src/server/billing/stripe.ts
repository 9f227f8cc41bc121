import Stripe from "stripe";
import type { Env } from "../env";

/**
 * The Stripe client, or null when STRIPE_SECRET_KEY is unset (purchases are then off; the credits
 * page says so). STRIPE_API_BASE (tests only) points it at the fake on loopback through the
 * client's own host, port and protocol options.
 */
export function createStripe(e: Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">): Stripe | null {
  if (!e.STRIPE_SECRET_KEY) return null;
  const base = e.STRIPE_API_BASE ? new URL(e.STRIPE_API_BASE) : null;
  return new Stripe(e.STRIPE_SECRET_KEY, {
    // Checkout creation is retried by the person pressing the button, not behind their back.
    maxNetworkRetries: 0,
    timeout: 20_000,
    telemetry: false,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol === "http:" ? "http" : "https",
    }),
  });
}

const clients = new WeakMap<object, Stripe | null>();

/** One client per parsed environment (the process's, or a test app's). */
export function stripeFor(e: Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">): Stripe | null {
  if (!clients.has(e)) clients.set(e, createStripe(e));
  return clients.get(e)!;
}

export type { Stripe };
