import { z } from "zod";
import { TOKEN_NAME_MAX } from "../../api-tokens/plugin";
import { createToken, listTokens, revokeToken } from "../../api-tokens/tokens";
import { createTRPCRouter, freshSessionProcedure, protectedProcedure } from "../trpc";

/** Personal API tokens for the REST route: create (shown once), list, revoke. */
export const apiTokenRouter = createTRPCRouter({
  // A token outlives the session: a revoked (cached) session must not mint one.
  create: freshSessionProcedure
    .input(z.object({ name: z.string().trim().min(1, "Please name the token").max(TOKEN_NAME_MAX) }))
    .mutation(({ ctx, input }) => createToken(ctx.auth, ctx.user.id, input.name)),

  list: protectedProcedure.query(({ ctx }) => listTokens(ctx.db, ctx.user.id)),

  revoke: protectedProcedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    await revokeToken(ctx.db, ctx.user.id, input.id);
    return { id: input.id };
  }),
});
