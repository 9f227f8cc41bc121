import { isNotNull } from "drizzle-orm";
import { getPlan } from "../../accounts";
import { aiModels } from "../../db/schema";
import { planAllowsTier, TIERS } from "../../tiers";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const modelsRouter = createTRPCRouter({
  /** The tiers with cost and size, each marked available or not for the caller's plan. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const plan = await getPlan(ctx.db, ctx.user.id);
    const rows = await ctx.db.select().from(aiModels).where(isNotNull(aiModels.tier));
    return {
      plan,
      tiers: rows
        .map((m) => ({
          key: m.key,
          tier: m.tier!,
          creditCost: m.creditCost,
          width: m.width,
          height: m.height,
          steps: m.steps,
          styleStrength: m.styleStrength,
          available: planAllowsTier(plan, m.tier!),
        }))
        .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier)),
    };
  }),
});
