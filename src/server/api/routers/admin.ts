import { z } from "zod";
import { grantCreditsByEmail, setPlanByEmail } from "../../accounts";
import { PLANS } from "../../tiers";
import { adminProcedure, createTRPCRouter } from "../trpc";

const email = z.email().max(320);

export const adminRouter = createTRPCRouter({
  setPlan: adminProcedure
    .input(z.object({ email, plan: z.enum(PLANS) }))
    .mutation(({ ctx, input }) => setPlanByEmail(ctx.db, input.email, input.plan)),

  grantCredits: adminProcedure
    .input(z.object({ email, amount: z.number().int().min(1).max(1_000_000), reason: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => grantCreditsByEmail(ctx.db, { ...input, grantedBy: `admin:${ctx.user.id}` })),
});
