import { randomUUID } from "node:crypto";
import { isTrackedEnvelope, TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generations } from "~/server/db/schema";
import { onGenerationChanged, watchProjectGenerations, type LiveEvent } from "~/server/generations/live";
import { setStage } from "~/server/generations/store";
import { TIER_MODELS } from "~/server/tiers";
import { createTestApp, type TestApp } from "../helpers/app";

/** The live status source: what changes is pushed once, in order, for the owner's project only. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function userWithGeneration() {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "Live" });
  const id = randomUUID();
  await app.db.insert(generations).values({
    id,
    userId: user.id,
    projectId: project.id,
    modelKey: TIER_MODELS.basic.key,
    tier: "basic",
    creditCost: 18,
    idempotencyKey: randomUUID(),
    settings: { name: "Live one" },
    photoCount: 1,
  });
  return { user, projectId: project.id, id };
}

/** Reads events in the background until `count` arrived (or the test times out). */
function collect(iterable: AsyncIterable<LiveEvent>, controller: AbortController) {
  const events: LiveEvent[] = [];
  const done = (async () => {
    for await (const e of iterable) events.push(e);
  })();
  return {
    events,
    async until(count: number) {
      while (events.length < count) await new Promise((r) => setTimeout(r, 10));
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}

describe("watchProjectGenerations", () => {
  it("yields the current state, then each change once, and ends on abort", async () => {
    const { user, projectId, id } = await userWithGeneration();
    const ac = new AbortController();
    const stream = collect(watchProjectGenerations(app.db, user.id, projectId, { signal: ac.signal, intervalMs: 20 }), ac);
    await stream.until(1);
    expect(stream.events[0]!.view).toMatchObject({ id, stage: "queued", name: "Live one" });

    await setStage(app.db, id, "retrying", { reason: "Model is loading, please wait…", nextAttemptAt: new Date().toISOString() });
    await stream.until(2);
    expect(stream.events[1]!.view).toMatchObject({ stage: "retrying", stageDetail: { reason: "Model is loading, please wait…" } });

    await new Promise((r) => setTimeout(r, 100)); // several polls, nothing new
    expect(stream.events).toHaveLength(2);
    await setStage(app.db, id, "saving");
    await stream.until(3);
    expect(stream.events.map((e) => e.view.stage)).toEqual(["queued", "retrying", "saving"]);
    expect(new Set(stream.events.map((e) => e.eventId)).size).toBe(3);
    await stream.stop();
  });

  it("resumes after the last event id without repeating it, and the database's notification wakes it before the next look", async () => {
    const { user, projectId, id } = await userWithGeneration();
    const first = new AbortController();
    const a = collect(watchProjectGenerations(app.db, user.id, projectId, { signal: first.signal, intervalMs: 20 }), first);
    await a.until(1);
    await a.stop();

    const again = new AbortController();
    const b = collect(
      watchProjectGenerations(app.db, user.id, projectId, { signal: again.signal, intervalMs: 60_000, lastEventId: a.events[0]!.eventId }),
      again,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(b.events).toHaveLength(0);
    // The trigger (drizzle/0004) announces it and this process listens: no look for a minute otherwise.
    await setStage(app.db, id, "generating");
    await b.until(1);
    expect(b.events[0]!.view.stage).toBe("generating");
    await b.stop();
  });

  it("never shows another user's generations, and the subscription refuses their project", async () => {
    const owner = await userWithGeneration();
    const other = await app.signUp();
    const ac = new AbortController();
    const s = collect(watchProjectGenerations(app.db, other.id, owner.projectId, { signal: ac.signal, intervalMs: 20 }), ac);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.events).toHaveLength(0);
    await s.stop();

    await expect(other.caller.generation.watch({ projectId: owner.projectId })).rejects.toSatisfy(
      (e) => e instanceof TRPCError && e.code === "NOT_FOUND",
    );
    const own = await owner.user.caller.generation.watch({ projectId: owner.projectId });
    const iterator = own[Symbol.asyncIterator]();
    const firstEvent = await iterator.next();
    // A tracked() envelope on the server: [event id, data, marker].
    expect(isTrackedEnvelope(firstEvent.value)).toBe(true);
    const [eventId, view] = firstEvent.value as unknown as [string, { id: string; stage: string }];
    expect(eventId.startsWith(`${owner.id}:`)).toBe(true);
    expect(view).toMatchObject({ id: owner.id, stage: "queued" });
    await iterator.return?.();
  });
});

describe("the database's announcements (drizzle/0004)", () => {
  it("one per change of what the user sees (the insert included), none for a write that changes nothing shown, finished flagged", async () => {
    const heard: Array<[string, boolean]> = [];
    const stop = onGenerationChanged((generationId, finished) => heard.push([generationId, finished]));
    const { id } = await userWithGeneration();
    await setStage(app.db, id, "generating");
    await setStage(app.db, id, "generating"); // the same again: nothing shown changes
    await app.db.update(generations).set({ stepTimings: { load: 5 } }).where(eq(generations.id, id)); // not shown
    await app.db.update(generations).set({ status: "failed", stage: "failed" }).where(eq(generations.id, id));
    await new Promise((r) => setTimeout(r, 200)); // PostgreSQL delivers after commit, on its own connection
    stop();
    expect(heard.filter(([g]) => g === id)).toEqual([
      [id, false],
      [id, false],
      [id, true],
    ]);
  });
});
