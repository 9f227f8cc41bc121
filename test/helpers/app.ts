import { createCaller } from "~/server/api/root";
import { createAuth, type Auth } from "~/server/auth";
import type { DatabaseHandle } from "~/server/db/client";
import { seedModels } from "~/server/db/seed";
import { parseEnv, type Env } from "~/server/env";
import { freshDatabase } from "./db";

/**
 * A real app for one test file: a fresh migrated, seeded database, real better-auth, and
 * tRPC callers acting as real signed-up users.
 */
export interface TestApp {
  handle: DatabaseHandle;
  db: DatabaseHandle["db"];
  env: Env;
  auth: Auth;
  signUp(email?: string): Promise<{ id: string; email: string; caller: ReturnType<typeof createCaller> }>;
  /** Signs up (once) the admin named in ADMIN_EMAILS. */
  signUpAdmin(): Promise<{ id: string; email: string; caller: ReturnType<typeof createCaller> }>;
  anonymous: ReturnType<typeof createCaller>;
  close(): Promise<void>;
}

let counter = 0;
export const ADMIN_EMAIL = "admin@example.com";

export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const handle = await freshDatabase();
  await seedModels(handle.db);
  const env = parseEnv({
    NODE_ENV: "test",
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    ADMIN_EMAILS: ADMIN_EMAIL,
    ...overrides,
  });
  const auth = createAuth(handle.db, env);
  let adminUser: ReturnType<TestApp["signUpAdmin"]> | undefined;
  return {
    handle,
    db: handle.db,
    env,
    auth,
    anonymous: createCaller({ db: handle.db, env, user: null }),
    async signUp(email = `user${++counter}-${Date.now()}@example.com`) {
      const res = await auth.api.signUpEmail({ body: { email, password: "correct horse battery", name: email.split("@")[0]! } });
      const user = { ...res.user, plan: "free" };
      return { id: res.user.id, email, caller: createCaller({ db: handle.db, env, user }) };
    },
    signUpAdmin() {
      adminUser ??= this.signUp(ADMIN_EMAIL);
      return adminUser;
    },
    close: () => handle.close(),
  };
}
