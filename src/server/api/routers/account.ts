import { z } from "zod";
import { deleteAccount } from "../../account/delete";
import { verificationStatus } from "../../account/verification";
import { createTRPCRouter, freshSessionProcedure, protectedProcedure } from "../trpc";

/** The signed-in account itself: its verification state, and leaving (the export is GET /api/account/export). */
export const accountRouter = createTRPCRouter({
  status: protectedProcedure.query(({ ctx }) => verificationStatus(ctx.db, ctx.env, ctx.user.id)),

  /** Everything goes, on the password (see account/delete.ts); the browser then signs out. */
  delete: freshSessionProcedure
    .input(z.object({ password: z.string().min(1, "Please enter your password").max(128) }))
    .mutation(async ({ ctx, input }) => {
      const { cancelled, refunded } = await deleteAccount({ db: ctx.db, auth: ctx.auth, jobs: ctx.jobs }, ctx.user.id, input.password);
      return { deleted: true, cancelled, refunded };
    }),
});
