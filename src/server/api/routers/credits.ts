import { z } from "zod";
import { getBalance, ledgerPage } from "../../credits";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const creditsRouter = createTRPCRouter({
  balance: protectedProcedure.query(async ({ ctx }) => ({ balance: await getBalance(ctx.db, ctx.user.id) })),

  /** Newest first; pass the returned nextCursor to get the following page. */
  history: protectedProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(100).default(20), cursor: z.number().int().positive().optional() })
        .default({ limit: 20 }),
    )
    .query(({ ctx, input }) => ledgerPage(ctx.db, ctx.user.id, input)),
});
