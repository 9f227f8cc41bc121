import { createAuth, type Auth } from "./auth";
import { getDatabase, type Database } from "./db";
import { createEngine } from "./engines";
import { env, usesHostedInngest, type Env } from "./env";
import type { StartDeps } from "./generations/store";
import { listenForGenerationChanges } from "./generations/live";
import { watchProjectAvatars } from "./generations/tiles";
import type { WorkflowDeps } from "./generations/work";
import { inngest } from "./jobs/client";
import { generationCancelled, generationRequested } from "./jobs/events";
import { executorRunsReader, type RunsReader } from "./jobs/runs";
import { logger } from "./logger";
import { createStorage } from "./storage";

/** What request handlers and Inngest functions need, built once per process on first use. */
export interface Services {
  db: Database;
  env: Env;
  auth: Auth;
  jobs: StartDeps;
  workflow: WorkflowDeps;
}

let services: Promise<Services> | undefined;

export function getServices(): Promise<Services> {
  services ??= (async (): Promise<Services> => {
    const e = env();
    const handle = await getDatabase();
    const { db } = handle;
    // This module's copy of the tiles cache (Next bundles its own) listens on the embedded database.
    await watchProjectAvatars(handle);
    // Live status hears changes made by any instance (generations/live.ts).
    await listenForGenerationChanges(handle);
    const storage = createStorage(e);
    const engine = createEngine(e);
    return {
      db,
      env: e,
      auth: createAuth(db, e),
      jobs: {
        db,
        storage,
        sendEvent: async (generation) => {
          await inngest.send(generationRequested(generation));
        },
        sendCancel: async (generationId) => {
          await inngest.send(generationCancelled(generationId));
        },
        runs: localRunsReader(e),
      },
      workflow: { db, storage, engine, logger },
    };
  })().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

/**
 * The local executor's read API, where the executor runs (src/server/start.ts points INNGEST_DEV at
 * it, after env() was first read: hence process.env). Hosted Inngest has no such API for our ids.
 */
function localRunsReader(e: Env): RunsReader | undefined {
  const url = process.env.INNGEST_DEV;
  if (usesHostedInngest(e) || !url || !/^https?:\/\//.test(url)) return undefined;
  return executorRunsReader(url);
}
