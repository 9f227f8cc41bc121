import type Stripe from "stripe";
import { publicUrl, type Env } from "../env";
import { BadInputError } from "../errors";
import { isPackId, packs, type Pack } from "../packs";

/**
 * Buying a pack: a Stripe Checkout Session in payment mode with the pack as inline `price_data`
 * (no dashboard set-up), naming the buyer (`client_reference_id`) and the pack (`metadata.pack`),
 * returning to the credits page. The credits are granted by the webhook, never here: only Stripe
 * says a payment happened. https://docs.stripe.com/api/checkout/sessions/create
 */

export class PurchasesNotSetUpError extends Error {
  constructor() {
    super("Purchases are not set up on this server (no STRIPE_SECRET_KEY). An administrator can still grant credits.");
    this.name = "PurchasesNotSetUpError";
  }
}

export function packsOf(e: Pick<Env, "CREDIT_PACK_PRICES" | "CREDIT_PACK_CURRENCY">): Pack[] {
  return packs({ prices: e.CREDIT_PACK_PRICES, currency: e.CREDIT_PACK_CURRENCY });
}

export async function createCheckout(
  deps: { stripe: Stripe | null; env: Env },
  buyer: { id: string; email: string },
  packId: string,
): Promise<{ url: string; sessionId: string }> {
  if (!deps.stripe) throw new PurchasesNotSetUpError();
  const pack = packsOf(deps.env).find((p) => p.id === packId);
  if (!isPackId(packId) || !pack) throw new BadInputError(`pack: There is no "${packId}" pack`, "pack");
  const base = publicUrl(deps.env);
  const metadata = { pack: pack.id, credits: String(pack.credits), userId: buyer.id };
  const session = await deps.stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: pack.currency,
          unit_amount: pack.price,
          product_data: { name: `${pack.name} pack — ${pack.credits} credits`, description: "Avatar Studio credits" },
        },
      },
    ],
    client_reference_id: buyer.id,
    customer_email: buyer.email,
    metadata,
    // On the charge too: a refund (charge.refunded) then names the pack and the buyer by itself.
    payment_intent_data: { metadata },
    success_url: `${base}/credits?purchase=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${base}/credits?purchase=cancelled`,
  });
  if (!session.url) throw new Error(`Stripe answered a Checkout Session without a URL (${session.id})`);
  return { url: session.url, sessionId: session.id };
}
