import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerSum } from "~/server/credits";
import { avatars, generations } from "~/server/db/schema";
import { buildSettings } from "~/server/generations/submit";
import { resendUnstartedGenerations, RESEND_AFTER_MS } from "~/server/generations/sweeper";
import { completeGeneration, startGeneration, type StartDeps } from "~/server/generations/store";
import { storageKeys } from "~/server/storage";
import { createTestApp, type TestApp } from "../helpers/app";
import { portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";

/**
 * A crash between the charge transaction and the event leaves a paid generation nobody will
 * start. The resend sweep starts it; re-sending an event that did arrive starts nothing new.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ jobs: true });
});
afterAll(() => app.close());

async function charged(sendEvent: StartDeps["sendEvent"]) {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "Studio" });
  const { generation } = await startGeneration(
    { ...app.jobs, sendEvent },
    {
      userId: user.id,
      projectId: project.id,
      tier: "basic",
      settings: buildSettings({ name: "Headshot", prompt: "studio portrait", gender: "woman", seed: 7 }, "basic"),
      photos: [await portraitJpeg()],
      warnings: [],
      idempotencyKey: `resend-${user.id}`,
    },
  );
  return { user, generation };
}

const runsFor = async (generationId: string) =>
  (await app.executor!.listRuns({ limit: 500 })).filter(
    (r) => (r.event.data as { generationId?: string }).generationId === generationId,
  );

describe("resendUnstartedGenerations", () => {
  it("starts a charged generation whose event was lost, once, and charges nothing more", async () => {
    const { user, generation } = await charged(async () => {}); // the process "died" before sending
    expect(await runsFor(generation.id)).toHaveLength(0);

    // Too young for the periodic sweep; at start-up (olderThanMs 0) it is re-sent.
    expect(await resendUnstartedGenerations(app.jobs)).not.toContain(generation.id);
    expect(await resendUnstartedGenerations(app.jobs, { olderThanMs: 0 })).toContain(generation.id);
    const done = await waitForGeneration(user, generation.id);
    expect(done.status).toBe("succeeded");

    // A second sweep finds nothing to do; the run and the avatar stay single.
    expect(await resendUnstartedGenerations(app.jobs, { olderThanMs: 0 })).not.toContain(generation.id);
    expect(await runsFor(generation.id)).toHaveLength(1);
    expect(await app.db.select().from(avatars).where(eq(avatars.generationId, generation.id))).toHaveLength(1);
    expect(await user.caller.credits.balance()).toEqual({ balance: 100 - generation.creditCost });
    expect(await ledgerSum(app.db, user.id)).toBe(100 - generation.creditCost);
  });

  it("re-sending the event of a generation already queued starts no second run", async () => {
    const { user, generation } = await charged(app.jobs.sendEvent);
    // Re-sent while its run is queued or running (as the periodic sweep may do): same event id.
    await app.jobs.sendEvent(generation);
    await app.jobs.sendEvent(generation);
    const done = await waitForGeneration(user, generation.id);
    expect(done.status).toBe("succeeded");
    expect(await runsFor(generation.id)).toHaveLength(1);
    expect(await app.db.select().from(avatars).where(eq(avatars.generationId, generation.id))).toHaveLength(1);
  });

  it("leaves finished generations alone", async () => {
    const { user, generation } = await charged(app.jobs.sendEvent);
    await waitForGeneration(user, generation.id);
    const later = { olderThanMs: RESEND_AFTER_MS, now: new Date(Date.now() + 2 * RESEND_AFTER_MS) };
    expect(await resendUnstartedGenerations(app.jobs, later)).not.toContain(generation.id);
    const [row] = await app.db.select({ status: generations.status }).from(generations).where(eq(generations.id, generation.id));
    expect(row?.status).toBe("succeeded");
  });
});

describe("completeGeneration", () => {
  it("deletes the input photos before marking success, with or without the owner passed in", async () => {
    for (const owner of [true, false]) {
      // A run's finish step passes the owner; one whose save was memoised before it did, does not.
      const { user, generation } = await charged(async () => {});
      const inputs = () => app.storage.has(generation.inputKeys[0]!);
      expect(await inputs()).toBe(true);
      const done = await completeGeneration(app.jobs, generation.id, "offline", owner ? user.id : undefined);
      expect(done).toMatchObject({ status: "succeeded", inputKeys: [] });
      expect(await inputs()).toBe(false);
      expect(await app.storage.has(storageKeys.inputsOf(user.id, generation.id).replace(/\/$/, ""))).toBe(false);
    }
  });
});
