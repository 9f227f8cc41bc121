import { readdirSync } from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { chargeCredits, ledgerSum } from "~/server/credits";
import { sharedFaceRoom } from "~/server/faces";
import { planBatch } from "~/server/generations/batch";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";
import { huggingFaceEngine } from "../helpers/engines";

/**
 * Batches (one submission, several styles and/or seeds) through the real executor and workflow
 * on the Hugging Face engine, against the fake Hugging Face server (the network edge): charged
 * together, all or none, idempotent as a whole; each member run and refunded on its own.
 */
let fake: FakeHuggingFace;
let app: TestApp;
let photo: Buffer;

beforeAll(async () => {
  fake = await startFakeHuggingFace();
  app = await createTestApp({ jobs: { engine: huggingFaceEngine(fake), timeScale: 0.01 } });
  photo = await portraitJpeg(3);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const STYLES = ["Photographic (Default)", "Cinematic", "Comic book"];

async function userWithProject(): Promise<TestUser & { projectId: string }> {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "Batches" });
  return { ...user, projectId: project.id };
}

/** A form with `style` repeated, as the studio and the REST route send it. */
function batchForm(projectId: string, styles: string[], extra: Record<string, string | number> = {}) {
  const form = photoForm({ projectId, name: "Trio", prompt: "in a garden", gender: "woman", ...extra }, [{ bytes: photo }]);
  for (const style of styles) form.append("style", style);
  return form;
}

function inputsLeft(userId: string): number {
  try {
    return readdirSync(path.join(app.storageDir, "inputs", userId), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
  } catch {
    return 0;
  }
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}: ${error.message}` : String(error);
  }
}

// Generous: the machine is shared, and a first submit loads the face detector.
describe("a batch of styles", { timeout: 90_000 }, () => {
  it("3 styles × 1 photo: 54 credits in one go, three runs; the one that fails refunds its 18 and leaves the other two", async () => {
    const u = await userWithProject();
    // The first PhotoMaker call fails for good, the other two get images; all three are held
    // until the submit is checked: a finished run would refund, or measure its avatar's likeness
    // in the same face room, before the test had looked.
    fake.enqueue({ kind: "hold", then: "no-face" }, "hold", "hold");
    // The real shared face room, watched: the one photo is looked at once for the whole batch.
    const analyze = vi.spyOn(sharedFaceRoom(), "analyze");
    let looks = 0;
    const res = await u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, STYLES, { seed: 7 })).finally(() => {
      looks = analyze.mock.calls.length;
      analyze.mockRestore();
    });
    expect(looks).toBe(1);
    expect(res.generations).toHaveLength(3);
    expect(res.generations.map((g) => g.settings.style)).toEqual(STYLES);
    expect(new Set(res.generations.map((g) => g.batchId)).size).toBe(1);
    expect(res.generations[0]!.batchId).toEqual(expect.any(String));
    expect(res.generations.map((g) => g.settings.seed)).toEqual([7, 7, 7]);
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 - 54 });
    // All three calls reach the fake, then go on.
    let released = 0;
    await vi.waitFor(() => expect((released += fake.release())).toBe(3), { timeout: 30_000, interval: 50 });

    const done = await Promise.all(res.generations.map((g) => waitForGeneration(u, g.id, 60_000)));
    expect(done.map((g) => g.status).sort()).toEqual(["failed", "succeeded", "succeeded"]);
    const failed = done.find((g) => g.status === "failed")!;
    expect(failed).toMatchObject({ errorCode: "NO_FACE_DETECTED", refundedCredits: 18 });
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 - 54 + 18 });
    expect(await ledgerSum(app.db, u.id)).toBe(64);

    const history = (await u.caller.credits.history({ limit: 50 })).entries;
    expect(history.filter((e) => e.kind === "charge").map((e) => e.amount)).toEqual([-18, -18, -18]);
    expect(history.filter((e) => e.kind === "refund").map((e) => e.amount)).toEqual([18]);

    const tiles = (await u.caller.avatar.list({ projectId: u.projectId })).items;
    expect(tiles.map((t) => t.generationId).sort()).toEqual(done.filter((g) => g.status === "succeeded").map((g) => g.id).sort());
    expect(tiles.every((t) => t.batchId === res.generations[0]!.batchId)).toBe(true);
    const listed = (await u.caller.generation.list({ projectId: u.projectId })).items;
    expect(listed.map((g) => g.batchId)).toEqual(Array(3).fill(res.generations[0]!.batchId));
    // One upload: PhotoMaker got the same photo three times, each with its own style's prompt.
    const calls = fake.requests.filter((r) => r.target === "photomaker");
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => JSON.stringify((c.body as { input_id_images: string[] }).input_id_images))).size).toBe(1);
    expect(inputsLeft(u.id)).toBe(0);
  });

  it("is idempotent as a whole: the same key again answers the same batch and charges nothing", async () => {
    const u = await userWithProject();
    const first = await u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, STYLES.slice(0, 2), { idempotencyKey: "batch-key-1" }));
    const again = await u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, STYLES.slice(0, 2), { idempotencyKey: "batch-key-1" }));
    expect(again.replayed).toBe(true);
    expect(again.generations.map((g) => g.id)).toEqual(first.generations.map((g) => g.id));
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 - 36 });
    await Promise.all(first.generations.map((g) => waitForGeneration(u, g.id, 60_000)));
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toHaveLength(2);
  });

  it("is all or none: a balance short of the whole batch charges nothing, names the total, and keeps no photo", async () => {
    const u = await userWithProject();
    await app.db.transaction((tx) => chargeCredits(tx, { userId: u.id, amount: 50, description: "earlier use", idempotencyKey: "drain" }));
    expect(await refusal(u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, STYLES)))).toBe(
      "PAYMENT_REQUIRED: Not enough credits: this costs 54 credits and your balance is 50.",
    );
    expect(await u.caller.credits.balance()).toEqual({ balance: 50 });
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toEqual([]);
    expect(inputsLeft(u.id)).toBe(0);
    expect(fake.requests.filter((r) => r.target === "photomaker")).toHaveLength(0);
  });

  it("refuses more than 4 generations, free words among several styles, or a style twice, before any charge", async () => {
    const u = await userWithProject();
    expect(await refusal(u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, STYLES, { variations: 2 })))).toBe(
      "BAD_REQUEST: variations: At most 4 avatars per submission: 3 styles × 2 variations would make 6",
    );
    expect(await refusal(u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, ["Cinematic", "business professional"])))).toMatch(
      /^BAD_REQUEST: style: "business professional" isn't a style preset/,
    );
    expect(await refusal(u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, ["Cinematic", "Cinematic"])))).toMatch(/is chosen twice/);
    expect(await refusal(u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, ["Cinematic"], { variations: 5 })))).toBe(
      "BAD_REQUEST: variations: Ask for 1 to 4 variations",
    );
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 });
    expect(inputsLeft(u.id)).toBe(0);
  });

  it("variations: one style, a seed each (the given seed, then the next); generate again of a member remakes just that one", async () => {
    const u = await userWithProject();
    const res = await u.caller.avatar.generateWithPhotoMaker(batchForm(u.projectId, ["Cinematic"], { variations: 2, seed: 500 }));
    expect(res.generations.map((g) => [g.settings.style, g.settings.seed])).toEqual([["Cinematic", 500], ["Cinematic", 501]]);
    await Promise.all(res.generations.map((g) => waitForGeneration(u, g.id, 60_000)));
    const again = await u.caller.generation.retry(photoForm({ generationId: res.generations[1]!.id }, [{ bytes: photo }]));
    expect(again.generation).toMatchObject({ batchId: null, settings: { style: "Cinematic", seed: 501 }, creditCost: 18 });
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 - 54 });
  });
});

describe("planBatch", () => {
  it("makes one member per style, then per seed; one style and no variations is a plain generation", () => {
    expect(planBatch({ styles: [], variations: 1 }, undefined)).toEqual([{ style: undefined, seed: undefined }]);
    expect(planBatch({ styles: ["business professional"], variations: 1 }, 3)).toEqual([{ style: "business professional", seed: 3 }]);
    expect(planBatch({ styles: ["Cinematic", "Comic book"], variations: 2 }, 2_147_483_647)).toEqual([
      { style: "Cinematic", seed: 2_147_483_647 },
      { style: "Cinematic", seed: 0 },
      { style: "Comic book", seed: 2_147_483_647 },
      { style: "Comic book", seed: 0 },
    ]);
    expect(planBatch({ styles: [], variations: 4 }, undefined)).toHaveLength(4);
    expect(() => planBatch({ styles: ["Cinematic", "Comic book", "Photographic (Default)", "Neonpunk", "Enhance"], variations: 1 }, undefined)).toThrow(/at most 4 styles/);
  });
});
