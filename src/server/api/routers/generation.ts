import { tracked } from "@trpc/server";
import { z } from "zod";
import { requireVerifiedEmail } from "../../account/verification";
import { BadInputError } from "../../errors";
import { readPhotos } from "../../generations/form";
import { watchProjectGenerations } from "../../generations/live";
import { retryGeneration } from "../../generations/submit";
import { generationView, getOwnedGeneration, listProjectGenerations } from "../../generations/views";
import { pageInput } from "../../pagination";
import { getOwnedProject } from "../../projects";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(100);

export const generationRouter = createTRPCRouter({
  get: protectedProcedure
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => generationView(await getOwnedGeneration(ctx.db, ctx.user.id, input.id))),

  /** A page, newest first: `{ items, nextCursor }` (pass nextCursor back as cursor for the next). */
  list: protectedProcedure.input(z.object({ projectId: id, ...pageInput })).query(async ({ ctx, input }) => {
    await getOwnedProject(ctx.db, ctx.user.id, input.projectId);
    return listProjectGenerations(ctx.db, ctx.user.id, input.projectId, input);
  }),

  /**
   * Live status over server-sent events: each generation of the project, whenever what the user
   * sees of it changes. One stream per project page (browsers allow ~6 connections per origin).
   */
  watch: protectedProcedure
    .input(z.object({ projectId: id, lastEventId: z.string().max(200).nullish() }))
    .subscription(async ({ ctx, input, signal }) => {
      await getOwnedProject(ctx.db, ctx.user.id, input.projectId);
      return (async function* () {
        const events = watchProjectGenerations(ctx.db, ctx.user.id, input.projectId, { signal, lastEventId: input.lastEventId });
        for await (const event of events) yield tracked(event.eventId, event.view);
      })();
    }),

  /** FormData: generationId, photo0…photo3 (sent again), optional idempotencyKey. */
  retry: protectedProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    await requireVerifiedEmail(ctx.db, ctx.env, ctx.user.id);
    const generationId = input.get("generationId");
    if (typeof generationId !== "string" || !generationId) {
      throw new BadInputError("generationId: Which generation should run again?", "generationId");
    }
    const key = input.get("idempotencyKey");
    const result = await retryGeneration(ctx.jobs, ctx.user.id, {
      generationId,
      photos: await readPhotos(input),
      idempotencyKey: typeof key === "string" && key ? key : undefined,
    });
    return { generationId: result.generation.id, replayed: result.replayed, warnings: result.warnings, generation: generationView(result.generation) };
  }),
});
