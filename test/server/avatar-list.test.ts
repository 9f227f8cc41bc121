import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";
import { codeOf } from "../helpers/trpc";
import { seedAvatars } from "../helpers/seed-avatars";

/** avatar.list: the gallery's slim tiles, owner only, always what the database holds now. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const TILE_FIELDS = [
  "batchId", "createdAt", "engine", "generationId", "height", "id", "identityLabel", "identityPreserving", "imageUrl",
  "likeness", "likenessStatus", "model", "name", "offlinePreview", "thumbnailUrl", "width",
].sort();

describe("avatar.list", () => {
  it("answers slim tiles, newest first: the tile's fields only, no storage keys or generation details", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Tiles" });
    const seeded = await seedAvatars(app.db, u.id, project.id, 3, "tiles");
    const list = (await u.caller.avatar.list({ projectId: project.id })).items;
    expect(list.map((a) => a.name)).toEqual(["Avatar 2", "Avatar 1", "Avatar 0"]);
    for (const tile of list) expect(Object.keys(tile).sort()).toEqual(TILE_FIELDS);
    const newest = seeded[2]!.avatar;
    expect(list[0]).toEqual({
      id: newest.id,
      generationId: newest.generationId,
      batchId: null,
      name: "Avatar 2",
      width: 512,
      height: 512,
      engine: "photomaker",
      model: "TencentARC/PhotoMaker-V2",
      offlinePreview: false,
      likeness: null,
      likenessStatus: "unmeasured",
      identityPreserving: true,
      identityLabel: null,
      createdAt: newest.createdAt,
      thumbnailUrl: `/api/images/${newest.id}?size=thumb`,
      imageUrl: `/api/images/${newest.id}?size=full`,
    });
    expect(JSON.stringify(list)).not.toMatch(/avatars\/|thumb\.webp|full\.png|settings|prompt/);
  });

  it("answers [] for the caller's empty project, NOT_FOUND for another user's (with or without avatars) or an unknown id", async () => {
    const owner = await app.signUp();
    const other = await app.signUp();
    const full = await owner.caller.project.create({ name: "Full" });
    const empty = await owner.caller.project.create({ name: "Empty" });
    await seedAvatars(app.db, owner.id, full.id, 2, "authz");
    expect((await owner.caller.avatar.list({ projectId: empty.id })).items).toEqual([]);
    expect(await codeOf(other.caller.avatar.list({ projectId: full.id }))).toBe("NOT_FOUND");
    expect(await codeOf(other.caller.avatar.list({ projectId: empty.id }))).toBe("NOT_FOUND");
    expect(await codeOf(other.caller.avatar.list({ projectId: "does-not-exist" }))).toBe("NOT_FOUND");
    expect(await codeOf(app.anonymous.avatar.list({ projectId: full.id }))).toBe("UNAUTHORIZED");
  });

  it("is fresh: a new avatar shows at once, a deleted one is gone at once", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Fresh" });
    await seedAvatars(app.db, u.id, project.id, 2, "fresh-a");
    const before = (await u.caller.avatar.list({ projectId: project.id })).items;
    expect(before).toHaveLength(2);
    const [added] = await seedAvatars(app.db, u.id, project.id, 1, "fresh-b");
    const after = (await u.caller.avatar.list({ projectId: project.id })).items;
    expect(after.map((a) => a.id).sort()).toEqual([...before.map((a) => a.id), added!.avatar.id].sort());
    await u.caller.avatar.delete({ id: added!.avatar.id });
    await u.caller.avatar.delete({ id: before[0]!.id });
    expect(((await u.caller.avatar.list({ projectId: project.id })).items).map((a) => a.id)).toEqual([before[1]!.id]);
  });

  it("is fresh after changes made behind the app's back (another process, plain SQL): likeness, name, move, delete", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Behind" });
    const other = await u.caller.project.create({ name: "Elsewhere" });
    const [a, b] = await seedAvatars(app.db, u.id, project.id, 2, "behind");
    const list = async () => (await u.caller.avatar.list({ projectId: project.id })).items;
    expect(await list()).toHaveLength(2);
    await app.db.execute(sql`update avatars set likeness = 77, likeness_status = 'measured' where id = ${a!.avatar.id}`);
    expect((await list()).find((t) => t.id === a!.avatar.id)).toMatchObject({ likeness: 77, likenessStatus: "measured" });
    await app.db.execute(sql`update generations set settings = jsonb_set(settings, '{name}', '"Renamed"') where id = ${b!.generation.id}`);
    expect((await list()).find((t) => t.id === b!.avatar.id)?.name).toBe("Renamed");
    await app.db.execute(sql`update avatars set project_id = ${other.id} where id = ${b!.avatar.id}`);
    expect((await list()).map((t) => t.id)).toEqual([a!.avatar.id]);
    expect(((await u.caller.avatar.list({ projectId: other.id })).items).map((t) => t.id)).toEqual([b!.avatar.id]);
    await app.db.execute(sql`delete from avatars where id = ${a!.avatar.id}`);
    expect(await list()).toEqual([]);
  });

  it("answers NOT_FOUND at once when the project is deleted or was never the caller's, even after a cached answer", async () => {
    const owner = await app.signUp();
    const other = await app.signUp();
    const project = await owner.caller.project.create({ name: "Cached" });
    await seedAvatars(app.db, owner.id, project.id, 2, "cached");
    expect((await owner.caller.avatar.list({ projectId: project.id })).items).toHaveLength(2);
    expect(await codeOf(other.caller.avatar.list({ projectId: project.id }))).toBe("NOT_FOUND");
    await owner.caller.project.delete({ id: project.id });
    expect(await codeOf(owner.caller.avatar.list({ projectId: project.id }))).toBe("NOT_FOUND");
  });

  it("leaves the generation's details to generation.get", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Details" });
    await seedAvatars(app.db, u.id, project.id, 1, "details");
    const [tile] = (await u.caller.avatar.list({ projectId: project.id })).items;
    const g = await u.caller.generation.get({ id: tile!.generationId });
    expect(g).toMatchObject({ name: tile!.name, projectId: project.id, creditCost: 18, settings: { seed: 0, prompt: expect.any(String) } });
  });
});

describe.each([
  { where: "on the app's thread", pgliteThread: false },
  { where: "in its own thread (as npm start runs it)", pgliteThread: true },
])("avatar.list on the embedded database $where (PGlite, also in the PostgreSQL pass)", ({ pgliteThread }) => {
  let embedded: TestApp;
  beforeAll(async () => {
    embedded = await createTestApp({ embedded: true, pgliteThread });
  });
  afterAll(() => embedded.close());

  it("answers a cached list without a query, and a change notification makes the next one read again", async () => {
    const u = await embedded.signUp();
    const project = await u.caller.project.create({ name: "Watched" });
    await seedAvatars(embedded.db, u.id, project.id, 2, "watched");
    expect((await u.caller.avatar.list({ projectId: project.id })).items).toHaveLength(2);
    // PGlite runs one statement at a time: while this transaction is open no other query can run.
    let release = () => {};
    let opened = () => {};
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const held = embedded.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      opened();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isOpen;
    const waited = new Promise<"waited for the database">((resolve) => setTimeout(() => resolve("waited for the database"), 3000));
    const cached = await Promise.race([u.caller.avatar.list({ projectId: project.id }), waited]);
    release();
    await held;
    expect(cached).not.toBe("waited for the database");
    expect(typeof cached === "string" ? cached : cached.items).toHaveLength(2);
    await embedded.db.execute(sql`delete from avatars where project_id = ${project.id}`);
    expect((await u.caller.avatar.list({ projectId: project.id })).items).toEqual([]);
  });
});
