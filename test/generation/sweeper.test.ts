import { existsSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generations } from "~/server/db/schema";
import { STUCK_AFTER_MS, sweepStuckGenerations } from "~/server/generations/sweeper";
import { createTestApp, type TestApp } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";

/** A generation whose event went nowhere (no executor picked it up) is ended and refunded. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("stuck generation sweeper", () => {
  it("fails and refunds only generations unfinished past the limit, once", async () => {
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "p" });
    // Send "succeeds" but nobody runs it: exactly the stuck case.
    app.jobs.sendEvent = async () => {};
    const { generationId } = await u.caller.avatar.generateWithPhotoMaker(
      photoForm({ projectId: project.id, name: "x", prompt: "portrait" }, [{ bytes: await portraitJpeg() }]),
    );
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });

    expect(await sweepStuckGenerations(app.jobs)).toEqual([]);
    const later = new Date(Date.now() + STUCK_AFTER_MS + 1000);
    expect(await sweepStuckGenerations(app.jobs, later)).toEqual([generationId]);
    expect(await sweepStuckGenerations(app.jobs, later)).toEqual([]);

    const g = await u.caller.generation.get({ id: generationId });
    expect(g).toMatchObject({ status: "failed", errorCode: "STUCK", refundedCredits: 18 });
    expect(g.errorMessage).toBe("The generation did not finish in time — your 18 credits were returned.");
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 });
    const [row] = await app.db.select().from(generations).where(eq(generations.id, generationId));
    expect(row!.inputKeys).toEqual([]);
    expect(existsSync(path.join(app.storageDir, "inputs", u.id, generationId))).toBe(false);
  });
});
