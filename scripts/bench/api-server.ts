/**
 * Seeds the API benchmark's scratch database, in a process of its own, and closes it again before
 * the server starts (a PGlite directory admits one process at a time): one user through a real
 * better-auth sign-up, a project, and 200 finished generations with their avatars. It also writes
 * the bare handler's file: the exact body avatar.list answers for that project.
 *
 * Env: PGLITE_DIR or DATABASE_URL (the scratch database), BETTER_AUTH_SECRET, PORT, STORAGE_DIR,
 * DATA_DIR, and BENCH_BARE_JSON (where to write the body). Prints one JSON line.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { handleTRPCRequest } from "../../src/server/api/http";
import { createAuth } from "../../src/server/auth";
import { migrateDatabase, openDatabase } from "../../src/server/db/client";
import { seedModels } from "../../src/server/db/seed";
import { parseEnv } from "../../src/server/env";
import { createProject } from "../../src/server/projects";
import { createStorage } from "../../src/server/storage";
import { seedAvatars } from "../../test/helpers/seed-avatars";

const AVATARS = 200;
const BENCH_USER = { email: "bench@example.com", password: "bench password 1", name: "Bench" };

const env = parseEnv({ ...process.env, NODE_ENV: "production" });
const bareFile = process.env.BENCH_BARE_JSON;
if (!bareFile) throw new Error("BENCH_BARE_JSON must name the file to write");
const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDir: path.resolve(env.PGLITE_DIR) });
try {
  await migrateDatabase(handle);
  await seedModels(handle.db);
  const { db } = handle;
  const auth = createAuth(db, env);
  const origin = `http://localhost:${env.PORT}`;
  const signUp = await auth.handler(
    new Request(`${origin}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify(BENCH_USER),
    }),
  );
  if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
  const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
  const project = await createProject(db, userId, "Two hundred");
  await seedAvatars(db, userId, project.id, AVATARS);

  const listPath = `/api/trpc/avatar.list?input=${encodeURIComponent(JSON.stringify({ json: { projectId: project.id } }))}`;
  const deps = { db, env, auth, jobs: { db, storage: createStorage(env), sendEvent: async () => {} } };
  const res = await handleTRPCRequest(new Request(`${origin}${listPath}`, { headers: { cookie } }), deps);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`avatar.list answered ${res.status}: ${body.slice(0, 500)}`);
  if ((JSON.parse(body) as { result: { data: { json: unknown[] } } }).result.data.json.length !== AVATARS) throw new Error(`expected ${AVATARS} avatars`);
  writeFileSync(bareFile, body);
  console.log(JSON.stringify({ email: BENCH_USER.email, password: BENCH_USER.password, avatars: AVATARS, projectId: project.id, listPath, bytes: Buffer.byteLength(body), database: handle.kind }));
} finally {
  await handle.close();
}
