import { adminRouter } from "./routers/admin";
import { creditsRouter } from "./routers/credits";
import { modelsRouter } from "./routers/models";
import { projectRouter } from "./routers/project";
import { systemRouter } from "./routers/system";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  project: projectRouter,
  credits: creditsRouter,
  models: modelsRouter,
  admin: adminRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
