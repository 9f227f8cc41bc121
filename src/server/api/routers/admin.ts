import { z } from "zod";
import { findUserByEmail, grantCreditsByEmail, setPlanByEmail, takeCreditsByEmail } from "../../accounts";
import { actorNames, AUDIT_ACTIONS, listAudit, REASON_MAX } from "../../admin/audit";
import { ENGINES, GENERATION_STATUSES, generationTimeline, listGenerations, TIERS } from "../../admin/generations";
import { searchUsers, userDetail } from "../../admin/users";
import type { Database } from "../../db/client";
import { NotFoundError } from "../../errors";
import { cancelGeneration, redriveGeneration, refundGenerationByHand } from "../../generations/interventions";
import { PLANS } from "../../tiers";
import { adminProcedure, createTRPCRouter } from "../trpc";

/**
 * The operations console (/admin): accounts, generations across users, and the actions support
 * takes, each with a reason and audited. Every procedure is adminProcedure: FORBIDDEN to anyone
 * not in ADMIN_EMAILS (test/security/authz-matrix.test.ts checks every admin.* procedure).
 */

const email = z.email().max(320);
const id = z.string().min(1).max(100);
const reason = z.string().trim().min(3, "Please say why (a few words), for the audit").max(REASON_MAX);
const credits = z.number().int().min(1).max(1_000_000);

export const adminRouter = createTRPCRouter({
  setPlan: adminProcedure
    .input(z.object({ email, plan: z.enum(PLANS), reason: reason.optional() }))
    .mutation(({ ctx, input }) =>
      setPlanByEmail(ctx.db, input.email, input.plan, { actor: `admin:${ctx.user.id}`, reason: input.reason ?? "(no reason given)" }),
    ),

  grantCredits: adminProcedure
    .input(z.object({ email, amount: credits, reason: reason.optional() }))
    .mutation(({ ctx, input }) => grantCreditsByEmail(ctx.db, { ...input, grantedBy: `admin:${ctx.user.id}` })),

  takeCredits: adminProcedure
    .input(z.object({ email, amount: credits, reason }))
    .mutation(({ ctx, input }) => takeCreditsByEmail(ctx.db, { ...input, takenBy: `admin:${ctx.user.id}` })),

  /** By email (any part of it) or exact id. */
  users: adminProcedure.input(z.object({ query: z.string().trim().min(1).max(320) })).query(({ ctx, input }) => searchUsers(ctx.db, input.query)),

  user: adminProcedure.input(z.object({ userId: id })).query(async ({ ctx, input }) => {
    const detail = await userDetail(ctx.db, input.userId);
    const givers = detail.ledger.flatMap((e) => (e.grantedBy ? [{ actor: e.grantedBy }] : []));
    return { ...detail, actors: await actorNames(ctx.db, [...detail.audit, ...givers]) };
  }),

  generations: adminProcedure
    .input(
      z.object({
        status: z.enum(GENERATION_STATUSES).optional(),
        engine: z.enum(ENGINES).optional(),
        tier: z.enum(TIERS).optional(),
        user: z.string().trim().max(320).optional(),
        olderThanMinutes: z.number().int().min(0).max(525_600).optional(),
        failedNotRefunded: z.boolean().optional(),
      }),
    )
    .query(({ ctx, input }) => listGenerations(ctx.db, input)),

  generation: adminProcedure.input(z.object({ generationId: id })).query(async ({ ctx, input }) => {
    const timeline = await generationTimeline({ db: ctx.db, runs: ctx.jobs.runs }, input.generationId);
    return { ...timeline, actors: await actorNames(ctx.db, timeline.audit) };
  }),

  cancelGeneration: adminProcedure.input(z.object({ generationId: id, reason })).mutation(async ({ ctx, input }) => {
    const result = await cancelGeneration(ctx.jobs, input.generationId, { actor: `admin:${ctx.user.id}`, reason: input.reason });
    return { outcome: result.outcome, refunded: result.refunded, runCancel: result.runCancel, status: result.generation.status };
  }),

  redriveGeneration: adminProcedure
    .input(z.object({ generationId: id, reason }))
    .mutation(({ ctx, input }) => redriveGeneration(ctx.jobs, input.generationId, { actor: `admin:${ctx.user.id}`, reason: input.reason })),

  refundGeneration: adminProcedure.input(z.object({ generationId: id, reason })).mutation(async ({ ctx, input }) => {
    const { refunded, entry } = await refundGenerationByHand(ctx.db, input.generationId, { actor: `admin:${ctx.user.id}`, reason: input.reason });
    return { refunded, ledgerEntryId: entry.id, balance: entry.balanceAfter };
  }),

  /** The audit, newest first, filterable by action, actor, user and generation. */
  audit: adminProcedure
    .input(
      z.object({
        action: z.enum(AUDIT_ACTIONS).optional(),
        actor: z.string().trim().max(200).optional(),
        userId: id.optional(),
        generationId: id.optional(),
        cursor: z.number().int().positive().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = await listAudit(ctx.db, {
        action: input.action,
        actor: await actorKey(ctx.db, input.actor),
        targetUserId: input.userId,
        targetGenerationId: input.generationId,
        cursor: input.cursor,
      });
      return { ...page, actors: await actorNames(ctx.db, page.entries) };
    }),
});

/** The audit's actor filter: an administrator's email, or an actor as recorded ("cli:alice"). */
async function actorKey(db: Database, actor: string | undefined): Promise<string | undefined> {
  if (!actor) return undefined;
  if (!actor.includes("@")) return actor;
  try {
    return `admin:${(await findUserByEmail(db, actor)).id}`;
  } catch (error) {
    if (error instanceof NotFoundError) return `admin:unknown ${actor}`; // matches nothing
    throw error;
  }
}
