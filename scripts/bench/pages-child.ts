/**
 * The gallery-of-thousands bench, in a process of its own: a scratch database (PGlite in its own
 * thread, as `npm start` runs it, or DATABASE_URL), one user signed up through better-auth, a
 * project of 10,000 finished generations with their avatars, and the production server's tRPC
 * handler (src/server/api/node.ts) on a real socket. Then the first page of avatar.list and of
 * generation.list, asked for as a browser does (cookie, accept-encoding: gzip), many times each.
 *
 * Server time is the `server-timing: app;dur=…` the handler reports (request in to compressed
 * body ready, auth and the session read included). avatar.list is measured cold, its tiles cache
 * missed on purpose (an avatar is changed before each request, which bumps the project's avatars
 * version) and warm; generation.list has no cache. Size is the gzipped body as sent.
 *
 * Env: PGLITE_DIR or DATABASE_URL, BETTER_AUTH_SECRET, BENCH_SAMPLES. Prints one JSON line.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { sql } from "drizzle-orm";
import { serveTRPC } from "../../src/server/api/node";
import { createAuth } from "../../src/server/auth";
import { migrateDatabase, openDatabase } from "../../src/server/db/client";
import { seedModels } from "../../src/server/db/seed";
import { parseEnv } from "../../src/server/env";
import { createProject } from "../../src/server/projects";
import { createLocalStorage } from "../../src/server/storage";
import { seedAvatars } from "../../test/helpers/seed-avatars";
import { percentile, round } from "./stats";

const AVATARS = 10_000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const USER = { email: "bench@example.com", password: "bench password 1", name: "Bench" };

const env = parseEnv({ ...process.env, NODE_ENV: "production" });
const handle = await openDatabase(
  env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { pgliteDir: path.resolve(env.PGLITE_DIR), pgliteThread: true },
);
const server = createServer();
try {
  await migrateDatabase(handle);
  await seedModels(handle.db);
  const { db } = handle;
  const auth = createAuth(db, env);
  const origin = "http://localhost:3000";
  const signUp = await auth.handler(
    new Request(`${origin}/api/auth/sign-up/email`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify(USER) }),
  );
  if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
  const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
  const project = await createProject(db, userId, "Ten thousand");
  const seeded = await seedAvatars(db, userId, project.id, AVATARS);
  await db.execute(sql`analyze`);

  const deps = { db, env, auth, jobs: { db, storage: createLocalStorage(env.STORAGE_DIR), sendEvent: async () => {} } };
  server.on("request", (req, res) => void serveTRPC(req, res, async () => deps));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const ask = async (procedure: string) => {
    const url = `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: { projectId: project.id } }))}`;
    const started = performance.now();
    const res = await fetch(url, { headers: { cookie, "accept-encoding": "gzip" } });
    const body = await res.text(); // fetch unzips; content-length is what went over the wire
    const roundTripMs = performance.now() - started;
    if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${body.slice(0, 300)}`);
    const dur = /app;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
    if (!dur) throw new Error(`${procedure} sent no server-timing`);
    const items = (JSON.parse(body) as { result: { data: { json: { items: unknown[]; nextCursor: string | null } } } }).result.data.json;
    if (items.items.length !== 48 || !items.nextCursor) throw new Error(`${procedure}: expected a first page of 48 with a next cursor`);
    return { serverMs: Number(dur[1]), roundTripMs, gzipBytes: Number(res.headers.get("content-length")), encoding: res.headers.get("content-encoding"), bytes: Buffer.byteLength(body) };
  };
  const measure = async (procedure: string, before?: (i: number) => Promise<void>) => {
    for (let i = 0; i < 10; i++) await ask(procedure); // warm-up: JIT, connections, prepared plans
    const samples = [];
    for (let i = 0; i < SAMPLES; i++) {
      await before?.(i);
      samples.push(await ask(procedure));
    }
    const server = samples.map((s) => s.serverMs);
    const last = samples[samples.length - 1]!;
    if (last.encoding !== "gzip") throw new Error(`${procedure} was not compressed`);
    return {
      samples: SAMPLES,
      serverP50Ms: round(percentile(server, 50), 2),
      serverP95Ms: round(percentile(server, 95), 2),
      serverMaxMs: round(Math.max(...server), 2),
      roundTripP50Ms: round(percentile(samples.map((s) => s.roundTripMs), 50), 2),
      gzipBytes: last.gzipBytes,
      bytes: last.bytes,
    };
  };
  // A change to one avatar (any of the 10,000) bumps the project's version: the next list reads again.
  const bump = async (i: number) => {
    await db.execute(sql`update avatars set likeness = ${i % 100} where id = ${seeded[i % seeded.length]!.avatar.id}`);
  };
  const avatarListCold = await measure("avatar.list", bump);
  const avatarListWarm = await measure("avatar.list");
  const generationList = await measure("generation.list");
  console.log(JSON.stringify({ database: handle.kind, avatars: AVATARS, pageSize: 48, avatarListCold, avatarListWarm, generationList }));
} finally {
  await new Promise((resolve) => server.close(resolve));
  await handle.close();
}
