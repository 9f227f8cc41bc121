import "../../helpers/face-check-off";
import { readdirSync } from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, grantCredits, ledgerSum } from "~/server/credits";
import { createTestApp, type TestApp } from "../../helpers/app";
import { photoForm, portraitJpeg } from "../../helpers/photos";
import { waitForGeneration } from "../../helpers/wait";

/**
 * Real PostgreSQL only (included by vitest.chaos.config.ts when DATABASE_URL is set): 1,000
 * submits at once from one user whose credits cover exactly 5 Basic generations, through the
 * whole submit path (FormData → intake → one transaction: charge + row). Exactly 5 start; the
 * other 995 are refused with "Not enough credits" and leave nothing behind.
 */
const SUBMITS = 1_000;
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { WELCOME_CREDITS: "0", FACE_CHECK: "off" }, jobs: { concurrency: 4 } });
});
afterAll(() => app?.close());

describe("1,000 concurrent submits on PostgreSQL", () => {
  it("start exactly the 5 generations the credits cover and refuse the rest clearly", async () => {
    expect(app.handle.kind).toBe("postgres"); // a race on PGlite (one connection) would prove nothing
    const u = await app.signUp();
    const project = await u.caller.project.create({ name: "Race" });
    await grantCredits(app.db, { userId: u.id, amount: 5 * 18 + 17, description: "five and a bit", grantedBy: "test" });
    const photo = await portraitJpeg(13, 256, 320);

    const outcomes = await Promise.allSettled(
      Array.from({ length: SUBMITS }, (_, i) =>
        u.caller.avatar.generateWithPhotoMaker(photoForm({ projectId: project.id, name: `r${i}`, prompt: "portrait", gender: "woman" }, [{ bytes: photo }])),
      ),
    );
    const started = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.generationId] : []));
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
    expect(started).toHaveLength(5);
    expect(new Set(started).size).toBe(5);
    expect(refused).toHaveLength(SUBMITS - 5);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(TRPCError);
      expect((reason as TRPCError).code).toBe("PAYMENT_REQUIRED");
      expect((reason as TRPCError).message).toMatch(/^Not enough credits: this costs 18 credits and your balance is \d+\.$/);
    }
    expect(await getBalance(app.db, u.id)).toBe(17);

    for (const id of started) await waitForGeneration(u, id, 60_000);
    expect((await u.caller.generation.list({ projectId: project.id })).items).toHaveLength(5);
    expect(await getBalance(app.db, u.id)).toBe(17);
    expect(await ledgerSum(app.db, u.id)).toBe(17);
    const inputs = readdirSync(path.join(app.storageDir, "inputs"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(inputs).toEqual([]); // the 995 refused left no photo behind
  }, 240_000);
});
