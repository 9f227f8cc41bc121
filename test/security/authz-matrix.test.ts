import "../helpers/face-check-off";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { avatarImageResponse } from "~/server/images";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { buildWorld, callPath, outcome, procedures, type World } from "./world";

/**
 * The authorization matrix, built from the router at run time (appRouter._def.procedures), so a
 * procedure added tomorrow is in it without anyone editing this file:
 *  - every procedure taking a resource id, called by another user with the victim's real id,
 *    answers NOT_FOUND, echoes nothing of the victim's, and changes nothing of the victim's;
 *  - every procedure but the public ones answers UNAUTHORIZED to an anonymous caller;
 *  - every admin.* procedure (and metrics.all) answers FORBIDDEN to a signed-in user, called with
 *    the victim's real ids, and leaks and changes nothing.
 * Id fields are found in the input's JSON schema (`id`, `…Id`); the resource is the router's
 * name for `id` ("apiToken.revoke" → apiToken) and the prefix for `…Id` (projectId → project).
 * A procedure whose input can't be read (FormData) or whose id names a resource with no fixture
 * here FAILS the test until someone says how to call it: nothing is silently left out.
 */

/** Public on purpose (a health probe for load balancers). Anything else public must be added here, deliberately. */
const PUBLIC = new Set(["system.health"]);
/** `…Id` fields that name no resource of anyone's. */
const NOT_RESOURCE_IDS: Record<string, string[]> = {
  "generation.watch": ["lastEventId"], // the SSE resume cursor
};
/** Administrators only: a signed-in regular user gets FORBIDDEN. Every admin.* procedure is, whatever its name. */
const ADMIN_ONLY_ELSEWHERE = ["metrics.all"];
const isAdminOnly = (path: string) => path.startsWith("admin.") || ADMIN_ONLY_ELSEWHERE.includes(path);

let world: World;
let photo: Buffer;
beforeAll(async () => {
  world = await buildWorld();
  photo = await portraitJpeg(6);
}, 60_000);
afterAll(() => world?.app.close());

/** How to make (or find) a real resource of the victim, by the router's name for it. */
const victimResource: Record<string, () => Promise<string>> = {
  user: async () => world.victim.id,
  project: async () => world.victim.ids.project!,
  generation: async () => world.victim.ids.generation!,
  avatar: async () => world.victim.ids.avatar!,
  apiToken: async () => ((await callPath(world.victim.caller, "apiToken.create", { name: "victim token" })) as { id: string }).id,
};

/** Procedures whose input is FormData (not introspectable): which fields carry ids, and the form. */
const formInputs: Record<string, { ids: Record<string, string>; form: (ids: Record<string, string>) => FormData }> = {
  "avatar.generateWithPhotoMaker": {
    ids: { projectId: "project" },
    form: (ids) => photoForm({ projectId: ids.projectId, name: "x", prompt: "portrait" }, [{ bytes: photo }]),
  },
  "generation.retry": {
    ids: { generationId: "generation" },
    form: (ids) => photoForm({ generationId: ids.generationId }, [{ bytes: photo }]),
  },
};

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[]; format?: string; minimum?: number; exclusiveMinimum?: number; minLength?: number; anyOf?: JsonSchema[]; default?: unknown };

function schemaOf(inputs: unknown[]): JsonSchema | null {
  if (inputs.length === 0) return null;
  return z.toJSONSchema(inputs[0] as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/** A valid value for a non-id field, from its schema. */
function sample(s: JsonSchema): unknown {
  if (s.anyOf) return sample(s.anyOf.find((x) => x.type !== "null") ?? {});
  if (s.enum) return s.enum[0];
  if (s.type === "string") return s.format === "email" ? "someone@example.com" : "Sample".padEnd(s.minLength ?? 1, "x");
  if (s.type === "integer" || s.type === "number") return s.minimum ?? (s.exclusiveMinimum ?? 0) + 1;
  if (s.type === "boolean") return true;
  if (s.type === "array") return [];
  if (s.type === "object") return {};
  return "Sample";
}

const isIdField = (name: string) => name === "id" || /Id$/.test(name);
const resourceOf = (path: string, field: string) => (field === "id" ? path.split(".")[0]! : field.slice(0, -2));

interface Plan {
  path: string;
  type: string;
  /** field → resource, for the fields holding ids. */
  idFields: Record<string, string>;
  build: (ids: Record<string, string>) => unknown;
  problem?: string;
}

function plan(p: ReturnType<typeof procedures>[number]): Plan {
  const form = formInputs[p.path];
  if (form) return { path: p.path, type: p.type, idFields: form.ids, build: form.form };
  const schema = schemaOf(p.inputs);
  const base = { path: p.path, type: p.type, idFields: {}, build: () => undefined };
  if (!schema) return base;
  if (schema.type !== "object" || !schema.properties) {
    return { ...base, problem: `${p.path}: its input can't be read from the schema; add it to formInputs in ${__filename}` };
  }
  const skip = NOT_RESOURCE_IDS[p.path] ?? [];
  const props = Object.entries(schema.properties);
  const idFields = Object.fromEntries(props.filter(([k]) => isIdField(k) && !skip.includes(k)).map(([k]) => [k, resourceOf(p.path, k)]));
  const build = (ids: Record<string, string>) =>
    Object.fromEntries(props.flatMap(([k, s]) => (k in idFields ? [[k, ids[k]]] : schema.required?.includes(k) ? [[k, sample(s)]] : [])));
  return { path: p.path, type: p.type, idFields, build };
}

describe("authorization matrix (from the router)", () => {
  const plans = procedures().map(plan);

  it("knows how to call every procedure and has a victim fixture for every kind of id", () => {
    const problems = plans.flatMap((p) => [
      ...(p.problem ? [p.problem] : []),
      ...Object.entries(p.idFields)
        .filter(([, resource]) => !victimResource[resource])
        .map(([field, resource]) => `${p.path}: "${field}" is a ${resource} id, and victimResource has no ${resource} fixture`),
    ]);
    expect(problems).toEqual([]);
    expect(plans.length).toBeGreaterThanOrEqual(15); // the walk really found the router
    expect(plans.filter((p) => Object.keys(p.idFields).length).length).toBeGreaterThanOrEqual(9);
  });

  it("answers NOT_FOUND to another user's id, leaks nothing and changes nothing", async () => {
    const { victim, attacker } = world;
    const before = { balance: await callPath(victim.caller, "credits.balance", undefined), projects: await callPath(victim.caller, "project.list", undefined) };
    const failures: string[] = [];
    for (const p of plans.filter((x) => Object.keys(x.idFields).length && !isAdminOnly(x.path))) {
      const ids: Record<string, string> = {};
      for (const [field, resource] of Object.entries(p.idFields)) ids[field] = await victimResource[resource]!();
      const input = p.build(ids);
      const result = await outcome(attacker.caller, p.path, input, p.type);
      const echoed = JSON.stringify(input instanceof FormData ? Object.fromEntries(input) : input);
      const leaked = victim.secrets.filter((s) => !echoed.includes(s) && JSON.stringify(result).includes(s));
      if (result.ok || result.code !== "NOT_FOUND") failures.push(`${p.path}: ${result.ok ? "answered with data" : `${result.code} ${result.message}`}`);
      if (leaked.length) failures.push(`${p.path}: leaked ${leaked.join(", ")}`);
    }
    expect(failures).toEqual([]);
    // Nothing of the victim's was deleted, renamed, revoked or charged.
    expect(await callPath(victim.caller, "credits.balance", undefined)).toEqual(before.balance);
    expect(await callPath(victim.caller, "project.list", undefined)).toEqual(before.projects);
    expect(await callPath(victim.caller, "generation.get", { id: victim.ids.generation })).toMatchObject({ status: "succeeded" });
    expect(((await callPath(victim.caller, "avatar.list", { projectId: victim.ids.project })) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("answers UNAUTHORIZED to anonymous callers everywhere but the public procedures", async () => {
    const failures: string[] = [];
    const ids = { ...world.victim.ids, projectId: world.victim.ids.project!, generationId: world.victim.ids.generation!, id: world.victim.ids.project! };
    for (const p of plans.filter((x) => !PUBLIC.has(x.path))) {
      const result = await outcome(world.app.anonymous, p.path, p.build(ids), p.type);
      if (result.ok || result.code !== "UNAUTHORIZED") failures.push(`${p.path}: ${result.ok ? "answered with data" : result.code}`);
    }
    expect(failures).toEqual([]);
    const health = await outcome(world.app.anonymous, "system.health", undefined, "query");
    expect(health.ok).toBe(true);
  });

  it("answers FORBIDDEN to a regular user on every administrator procedure, with the victim's ids, and leaks and changes nothing", async () => {
    const { victim, attacker } = world;
    const adminOnly = plans.filter((p) => isAdminOnly(p.path));
    expect(adminOnly.length).toBeGreaterThanOrEqual(10); // admin.* really was found
    const before = { balance: await callPath(victim.caller, "credits.balance", undefined), projects: await callPath(victim.caller, "project.list", undefined) };
    const failures: string[] = [];
    for (const p of adminOnly) {
      const ids: Record<string, string> = {};
      for (const [field, resource] of Object.entries(p.idFields)) ids[field] = await victimResource[resource]!();
      const input = p.build(ids) as Record<string, unknown> | undefined;
      // Procedures that name a user by email get the victim's.
      const withEmail = input && "email" in input ? { ...input, email: victim.email } : input;
      const result = await outcome(attacker.caller, p.path, withEmail, p.type);
      if (result.ok || result.code !== "FORBIDDEN") failures.push(`${p.path}: ${result.ok ? "answered with data" : `${result.code} ${result.message}`}`);
      const leaked = victim.secrets.filter((secret) => JSON.stringify(result).includes(secret));
      if (leaked.length) failures.push(`${p.path}: leaked ${leaked.join(", ")}`);
    }
    expect(failures).toEqual([]);
    expect(await callPath(victim.caller, "credits.balance", undefined)).toEqual(before.balance);
    expect(before.balance).toEqual({ balance: 82 });
    expect(await callPath(victim.caller, "project.list", undefined)).toEqual(before.projects);
    expect(await callPath(victim.caller, "generation.get", { id: victim.ids.generation })).toMatchObject({ status: "succeeded" });
  });
});

describe("ids and image URLs", () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("are random UUIDs (122 random bits), not counters or timestamps", () => {
    for (const id of Object.values(world.victim.ids)) expect(id).toMatch(UUID_V4);
  });

  it("serve an image to its owner only, and others' lists never show the victim's items", async () => {
    const { app, victim, attacker } = world;
    const deps = { db: app.db, storage: app.storage };
    expect((await avatarImageResponse(deps, victim.id, victim.ids.avatar!, "full")).status).toBe(200);
    for (const who of [attacker.id, null]) {
      for (const size of ["full", "thumb"]) expect((await avatarImageResponse(deps, who, victim.ids.avatar!, size)).status).toBe(404);
    }
    const seen = JSON.stringify([
      await callPath(attacker.caller, "project.list", undefined),
      await callPath(attacker.caller, "avatar.list", { projectId: attacker.projectId }),
      await callPath(attacker.caller, "generation.list", { projectId: attacker.projectId }),
    ]);
    for (const secret of victim.secrets) expect(seen).not.toContain(secret);
  });
});
