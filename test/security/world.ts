import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { appRouter } from "~/server/api/root";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";

/**
 * Two users for the authorization matrix: a victim owning one of every resource (a project, a
 * finished generation with its avatar, an API token…) and an attacker with resources of their
 * own. Callers are reached by path ("project.get"), so procedures added to the router later are
 * called the same way, with no types to update.
 */
export type Caller = TestUser["caller"];

export interface Victim extends TestUser {
  /** Strings that must never appear in anything answered to someone else. */
  secrets: string[];
  ids: Record<string, string>;
}

export interface World {
  app: TestApp;
  victim: Victim;
  attacker: TestUser & { projectId: string };
}

/** Every procedure of the router at run time: "project.get" → its type and input parsers. */
export function procedures(): Array<{ path: string; type: "query" | "mutation" | "subscription"; inputs: unknown[] }> {
  const record = appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] } }>;
  return Object.entries(record).map(([path, p]) => ({ path, type: p._def.type, inputs: p._def.inputs }));
}

export function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

export type Outcome = { ok: true; data: unknown } | { ok: false; code: string; message: string };

/** Calls and, for a subscription, reads its first event (a stream that yields counts as data). */
export async function outcome(caller: Caller, path: string, input: unknown, type: string): Promise<Outcome> {
  try {
    let data = await callPath(caller, path, input);
    if (type === "subscription" && data && typeof data === "object" && Symbol.asyncIterator in data) {
      const it = (data as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("subscription neither yielded nor failed in 3 s")), 3_000));
      try {
        data = await Promise.race([it.next(), timeout]);
      } finally {
        void it.return?.();
      }
    }
    return { ok: true, data };
  } catch (error) {
    if (error instanceof TRPCError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "THROWN", message: String(error) };
  }
}

export async function buildWorld(): Promise<World> {
  const app = await createTestApp({ jobs: true, env: { FACE_CHECK: "off" } });
  const photo = await portraitJpeg(5);
  const secretName = `Victim's private project ${randomUUID()}`;
  const secretPrompt = `wearing the secret ${randomUUID().slice(0, 8)} jacket`;
  const v = await app.signUp(`victim-${randomUUID().slice(0, 8)}@example.com`);
  const project = (await callPath(v.caller, "project.create", { name: secretName })) as { id: string };
  const submitted = (await callPath(
    v.caller,
    "avatar.generateWithPhotoMaker",
    photoForm({ projectId: project.id, name: "Mine", prompt: secretPrompt, gender: "woman" }, [{ bytes: photo }]),
  )) as { generationId: string };
  await waitForGeneration(v, submitted.generationId);
  const [avatar] = ((await callPath(v.caller, "avatar.list", { projectId: project.id })) as { items: Array<{ id: string }> }).items;
  const victim: Victim = {
    ...v,
    secrets: [secretName, secretPrompt, v.email, submitted.generationId, avatar!.id],
    ids: { project: project.id, generation: submitted.generationId, avatar: avatar!.id },
  };
  const a = await app.signUp();
  const attackerProject = (await callPath(a.caller, "project.create", { name: "Attacker" })) as { id: string };
  return { app, victim, attacker: { ...a, projectId: attackerProject.id } };
}
