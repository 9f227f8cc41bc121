import { z } from "zod";
import { createProject, deleteProject, getOwnedProject, listProjects, PROJECT_NAME_MAX, renameProject } from "../../projects";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const projectName = z.string().trim().min(1, "Please give the project a name").max(PROJECT_NAME_MAX);
const projectId = z.string().min(1).max(100);

export const projectRouter = createTRPCRouter({
  create: protectedProcedure
    .input(z.object({ name: projectName }))
    .mutation(({ ctx, input }) => createProject(ctx.db, ctx.user.id, input.name)),

  list: protectedProcedure.query(({ ctx }) => listProjects(ctx.db, ctx.user.id)),

  get: protectedProcedure
    .input(z.object({ id: projectId }))
    .query(({ ctx, input }) => getOwnedProject(ctx.db, ctx.user.id, input.id)),

  rename: protectedProcedure
    .input(z.object({ id: projectId, name: projectName }))
    .mutation(({ ctx, input }) => renameProject(ctx.db, ctx.user.id, input.id, input.name)),

  delete: protectedProcedure.input(z.object({ id: projectId })).mutation(async ({ ctx, input }) => {
    await deleteProject(ctx.db, ctx.user.id, input.id);
    return { id: input.id };
  }),
});
