import { z } from "zod";
import { requireVerifiedEmail } from "../../account/verification";
import { faceRoomFor } from "../../faces";
import { deleteAvatar } from "../../generations/avatars";
import { parseGenerationForm } from "../../generations/form";
import { submitGeneration } from "../../generations/submit";
import { listProjectAvatars } from "../../generations/tiles";
import { generationView } from "../../generations/views";
import { pageInput } from "../../pagination";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const avatarRouter = createTRPCRouter({
  /**
   * FormData: projectId, photo0…photo3, name, prompt, persona, attributes, style (repeat it for a
   * batch, one avatar per preset), variations (avatars per style), tier… `generation` is the
   * first; `generations` all of a batch.
   */
  generateWithPhotoMaker: protectedProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    await requireVerifiedEmail(ctx.db, ctx.env, ctx.user.id);
    const request = await parseGenerationForm(input);
    const result = await submitGeneration({ ...ctx.jobs, faces: faceRoomFor(ctx.env) }, ctx.user.id, request);
    return {
      generationId: result.generation.id,
      replayed: result.replayed,
      warnings: result.warnings,
      /** Per photo: the face box (fractions of the upright photo) to draw on its preview. */
      faces: result.faces,
      generation: generationView(result.generation),
      generations: result.generations.map(generationView),
    };
  }),

  /**
   * A page of gallery tiles, newest first: `{ items, nextCursor }`; NOT_FOUND unless the project
   * is the caller's (checked inside, see there).
   */
  list: protectedProcedure
    .input(z.object({ projectId: z.string().min(1).max(100), ...pageInput }))
    .query(({ ctx, input }) => listProjectAvatars(ctx.db, ctx.user.id, input.projectId, input)),

  delete: protectedProcedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    await deleteAvatar(ctx.jobs, ctx.user.id, input.id);
    return { id: input.id };
  }),
});
