import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "~/server/pagination";
import { createTestApp, type TestApp } from "../helpers/app";
import { codeOf } from "../helpers/trpc";
import { seedAvatars } from "../helpers/seed-avatars";

/** avatar.list and generation.list: keyset pages, newest first, every row exactly once. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

type Lister = (input: { projectId: string; cursor?: string | null; limit?: number }) => Promise<{ items: Array<{ id: string }>; nextCursor: string | null }>;

async function walk(list: Lister, projectId: string, limit?: number) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page = await list({ projectId, cursor, limit });
    pages.push(page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe.each([
  { name: "avatar.list", table: "avatars", list: (u: Awaited<ReturnType<TestApp["signUp"]>>) => u.caller.avatar.list as Lister },
  { name: "generation.list", table: "generations", list: (u: Awaited<ReturnType<TestApp["signUp"]>>) => u.caller.generation.list as Lister },
])("$name pages", ({ table, list }) => {
  it("answers 48 by default, at most the limit, newest first, each row once, and no cursor after the last page", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Many" });
    const seeded = await seedAvatars(app.db, u.id, project.id, 110, `many-${table}`);
    const newestFirst = seeded.map((s) => (table === "avatars" ? s.avatar.id : s.generation.id)).reverse();

    const first = await list(u)({ projectId: project.id });
    expect(first.items.map((i) => i.id)).toEqual(newestFirst.slice(0, 48));
    expect(first.nextCursor).toEqual(expect.any(String));

    const pages = await walk(list(u), project.id, 50);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 10]);
    expect(pages.flat()).toEqual(newestFirst);

    const exact = await walk(list(u), project.id, 55);
    expect(exact.map((p) => p.length)).toEqual([55, 55]);
  });

  it("keeps rows that share a timestamp, or differ by microseconds only, each exactly once", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Ties" });
    await seedAvatars(app.db, u.id, project.id, 30, `ties-${table}`);
    // Ten rows at one instant, the rest a few microseconds apart within one millisecond (a Date keeps ms only).
    await app.db.execute(
      sql`update ${sql.identifier(table)} set created_at = '2026-01-01 00:00:00.123+00'::timestamptz + (case when random() < 0.3 then interval '0' else (floor(random() * 900) || ' microseconds')::interval end) where project_id = ${project.id}`,
    );
    const all = (await list(u)({ projectId: project.id, limit: 100 })).items.map((i) => i.id);
    expect(all).toHaveLength(30);
    for (const limit of [1, 4, 7]) {
      const pages = await walk(list(u), project.id, limit);
      expect(pages.flat()).toEqual(all);
    }
  });

  it("refuses a cursor it did not make, and a limit outside 1–100, as bad requests naming them", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Bad" });
    await seedAvatars(app.db, u.id, project.id, 2, `bad-${table}`);
    for (const cursor of ["nonsense", "", encodeCursor({ createdAt: "yesterday", id: "x" }), Buffer.from('["2026-01-01 00:00:00+00"]').toString("base64url")]) {
      if (cursor === "") {
        expect((await list(u)({ projectId: project.id, cursor })).items).toHaveLength(2); // empty = from the start
        continue;
      }
      const error = await list(u)({ projectId: project.id, cursor }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^cursor: /) });
    }
    expect(await codeOf(list(u)({ projectId: project.id, limit: 101 }))).toBe("BAD_REQUEST");
    expect(await codeOf(list(u)({ projectId: project.id, limit: 0 }))).toBe("BAD_REQUEST");
    expect((await list(u)({ projectId: project.id, limit: 100 })).items).toHaveLength(2);
  });

  it("answers another user's project NOT_FOUND, with or without a cursor", async () => {
    const owner = await app.signUp();
    const other = await app.signUp();
    const project = await owner.caller.project.create({ name: "Mine" });
    await seedAvatars(app.db, owner.id, project.id, 3, `own-${table}`);
    const { nextCursor } = await list(owner)({ projectId: project.id, limit: 1 });
    expect(await codeOf(list(other)({ projectId: project.id }))).toBe("NOT_FOUND");
    expect(await codeOf(list(other)({ projectId: project.id, cursor: nextCursor }))).toBe("NOT_FOUND");
  });
});
