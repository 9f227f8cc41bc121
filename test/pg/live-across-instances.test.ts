import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~/server/db/client";
import { generations } from "~/server/db/schema";
import { LIVE_BACKSTOP_MS, listenForGenerationChanges, watchProjectGenerations, type LiveEvent } from "~/server/generations/live";
import { setStage } from "~/server/generations/store";
import { TIER_MODELS } from "~/server/tiers";
import { createTestApp, type TestApp } from "../helpers/app";

/**
 * Two instances on one PostgreSQL (the PostgreSQL pass only): a stage written through one
 * instance's pool reaches a subscriber on the other through LISTEN/NOTIFY, long before the
 * backstop look. "Instance A" is the test app; "instance B" is a second pool on the same
 * database, as another process would have.
 */
let a: TestApp;
let b: DatabaseHandle;
beforeAll(async () => {
  a = await createTestApp();
  expect(a.handle.kind).toBe("postgres");
  b = await openDatabase({ databaseUrl: a.handle.url!, maxConnections: 2 });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe("live status across instances (PostgreSQL LISTEN/NOTIFY)", () => {
  it("a change made on instance A reaches instance B's subscriber within a second", async () => {
    expect(await listenForGenerationChanges(b)).toBe(true);
    const user = await a.signUp();
    const project = await user.caller.project.create({ name: "Across" });
    const id = randomUUID();
    await a.db.insert(generations).values({
      id, userId: user.id, projectId: project.id, modelKey: TIER_MODELS.basic.key, tier: "basic", creditCost: 18,
      idempotencyKey: randomUUID(), settings: { name: "Across" }, photoCount: 1,
    });
    const ac = new AbortController();
    const events: Array<LiveEvent & { at: number }> = [];
    const reading = (async () => {
      for await (const e of watchProjectGenerations(b.db, user.id, project.id, { signal: ac.signal })) events.push({ ...e, at: Date.now() });
    })();
    while (events.length < 1) await new Promise((r) => setTimeout(r, 10));

    const changedAt = Date.now();
    await setStage(a.db, id, "generating");
    while (events.length < 2 && Date.now() - changedAt < LIVE_BACKSTOP_MS) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await reading;
    expect(events.map((e) => e.view.stage)).toEqual(["queued", "generating"]);
    expect(events[1]!.at - changedAt).toBeLessThan(1_000);
  });
});
