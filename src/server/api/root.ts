import { accountRouter } from "./routers/account";
import { adminRouter } from "./routers/admin";
import { apiTokenRouter } from "./routers/apiToken";
import { avatarRouter } from "./routers/avatar";
import { billingRouter } from "./routers/billing";
import { generationRouter } from "./routers/generation";
import { metricsRouter } from "./routers/metrics";
import { creditsRouter } from "./routers/credits";
import { modelsRouter } from "./routers/models";
import { projectRouter } from "./routers/project";
import { systemRouter } from "./routers/system";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  project: projectRouter,
  avatar: avatarRouter,
  generation: generationRouter,
  credits: creditsRouter,
  models: modelsRouter,
  admin: adminRouter,
  system: systemRouter,
  metrics: metricsRouter,
  apiToken: apiTokenRouter,
  billing: billingRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
