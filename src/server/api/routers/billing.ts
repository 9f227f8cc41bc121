import { z } from "zod";
import { requireVerifiedEmail } from "../../account/verification";
import { createCheckout, packsOf } from "../../billing/checkout";
import { stripeFor } from "../../billing/stripe";
import { formatPrice, PACK_IDS } from "../../packs";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** Credit packs through Stripe Checkout; the credits come with Stripe's webhook (/api/stripe/webhook). */
export const billingRouter = createTRPCRouter({
  /** What is on sale, and whether purchases are set up here at all (STRIPE_SECRET_KEY). */
  packs: protectedProcedure.query(({ ctx }) => ({
    enabled: stripeFor(ctx.env) !== null,
    packs: packsOf(ctx.env).map((p) => ({ ...p, priceLabel: formatPrice(p) })),
  })),

  /** A Checkout Session for the pack: the browser goes to its URL and comes back to /credits. */
  checkout: protectedProcedure.input(z.object({ pack: z.enum(PACK_IDS) })).mutation(async ({ ctx, input }) => {
    await requireVerifiedEmail(ctx.db, ctx.env, ctx.user.id);
    return createCheckout({ stripe: stripeFor(ctx.env), env: ctx.env }, ctx.user, input.pack);
  }),
});
