import { z } from "zod";
import type { Database } from "../../db/client";
import { faceCheckMetrics, generationMetrics, sinceDays, type MetricsScope } from "../../metrics";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

/** Optional window: the last N days; all time without it. */
const windowInput = z.object({ days: z.number().int().min(1).max(3650).optional() }).default({});

/** The generations' numbers in the window, with the face check's (all time) alongside. */
async function metricsFor(db: Database, scope: MetricsScope) {
  const [generations, faces] = await Promise.all([generationMetrics(db, scope), faceCheckMetrics(db, { userId: scope.userId })]);
  return { ...generations, faces };
}

export const metricsRouter = createTRPCRouter({
  /** The signed-in user's own generations. */
  mine: protectedProcedure
    .input(windowInput)
    .query(({ ctx, input }) => metricsFor(ctx.db, { userId: ctx.user.id, since: sinceDays(input.days) })),

  /** Every user's generations (administrators only). */
  all: adminProcedure.input(windowInput).query(({ ctx, input }) => metricsFor(ctx.db, { since: sinceDays(input.days) })),
});
