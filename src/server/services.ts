import { createAuth, type Auth } from "./auth";
import { getDatabase, type Database } from "./db";
import { env, type Env } from "./env";

/** What a request handler needs, built once per process on first use. */
export interface Services {
  db: Database;
  env: Env;
  auth: Auth;
}

let services: Promise<Services> | undefined;

export function getServices(): Promise<Services> {
  services ??= (async () => {
    const e = env();
    const { db } = await getDatabase();
    return { db, env: e, auth: createAuth(db, e) };
  })().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}
