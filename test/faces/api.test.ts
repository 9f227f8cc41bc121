import { readdirSync } from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineEngine } from "~/server/engines/offline";
import type { Engine } from "~/server/engines/types";
import { faceMetrics } from "~/server/faces";
import { GenerationFailure } from "~/server/failures";
import { parseGenerationForm } from "~/server/generations/form";
import { getGeneration } from "~/server/generations/store";
import { submitGeneration } from "~/server/generations/submit";
import { NOT_IDENTITY_PRESERVING } from "~/server/generations/views";
import { noFaceJpeg, personJpeg, smallFaceJpeg, twoPeopleJpeg } from "../../scripts/make-face-fixtures";
import { createTestApp, type TestApp } from "../helpers/app";
import { facePhotoJpeg } from "../helpers/faces";
import { photoForm } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";

/**
 * The face check through the tRPC API with the real worker, executor and offline engine:
 * refusals name the photo and charge nothing; accepted photos come back with their face boxes;
 * every avatar carries a likeness, and a FLUX stand-in is labelled as keeping no identity.
 */
const STAND_IN = "standin";
/** The offline engine, except that PhotoMaker times out for prompts containing STAND_IN (→ FLUX). */
const offline = createOfflineEngine();
const engine: Engine = {
  ...offline,
  async photomaker(input) {
    if (input.prompt.includes(STAND_IN)) throw new GenerationFailure("GENERATION_TIMEOUT");
    return offline.photomaker(input);
  },
};

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ jobs: { engine } });
});
afterAll(() => app?.close());

async function userWithProject() {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "Faces" });
  return { ...user, projectId: project.id };
}
const fields = (projectId: string, prompt = "in a garden") => ({ projectId, name: "Me", prompt, gender: "man" });
const files = (...photos: Buffer[]) => photos.map((bytes, i) => ({ bytes, name: `p${i + 1}.jpg` }));

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}: ${error.message}` : String(error);
  }
}

const inputsOf = (userId: string) => {
  try {
    return readdirSync(path.join(app.storageDir, "inputs", userId), { recursive: true });
  } catch {
    return [];
  }
};

describe("face check at upload", () => {
  it.each([
    ["no face", async () => [await noFaceJpeg("gradient")], "BAD_REQUEST: We couldn't find a face in photo 1 (p1.jpg)"],
    ["two people", async () => [await twoPeopleJpeg()], "BAD_REQUEST: Photo 1 (p1.jpg) shows more than one person — use photos of just you"],
    [
      "a different person",
      async () => [await facePhotoJpeg(0), await facePhotoJpeg(0, { seed: 5 }), await facePhotoJpeg(1)],
      "BAD_REQUEST: Photo 3 (p3.jpg) shows a different person than your other photos — use photos of just you",
    ],
  ])("refuses %s before any charge, naming the photo", async (_name, photos, message) => {
    const u = await userWithProject();
    expect(await refusal(u.caller.avatar.generateWithPhotoMaker(photoForm(fields(u.projectId), files(...(await photos())))))).toBe(message);
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 });
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toEqual([]);
    expect(inputsOf(u.id)).toEqual([]);
  });

  it("accepts a small face with a warning and the face boxes, charges once, and scores the avatar", async () => {
    const u = await userWithProject();
    const res = await u.caller.avatar.generateWithPhotoMaker(photoForm(fields(u.projectId), files(await smallFaceJpeg(), await personJpeg(0, { seed: 3 }))));
    // (The intake may add its own "low contrast" note about the plain background.)
    expect(res.warnings.filter((w) => /face/.test(w))).toEqual(["Photo 1 (p1.jpg): your face is small in the picture; a closer photo works better"]);
    expect(res.faces).toHaveLength(2);
    expect(res.faces[0]).toMatchObject({ photo: 1, field: "photo0", width: 1024, height: 1024, warnings: ["small_face"] });
    expect(res.faces[0]!.box.width).toBeLessThan(0.15);
    expect(res.faces[1]!.box.width).toBeGreaterThan(0.3);
    expect(res.faces[1]!.similarity).toBeGreaterThan(0.65);
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });

    const done = await waitForGeneration(u, res.generationId);
    expect(done).toMatchObject({ status: "succeeded", engine: "offline", faces: res.faces });
    const [avatar] = (await u.caller.avatar.list({ projectId: u.projectId })).items;
    // The offline preview is made from the first face-centred crop: it is the same person.
    expect(avatar).toMatchObject({ likenessStatus: "measured", identityPreserving: true, identityLabel: null });
    expect(avatar!.likeness).toBeGreaterThanOrEqual(65);
    expect(avatar!.likeness).toBeLessThanOrEqual(100);
    // The likeness's time is recorded with the save step's (one statement), and is part of it.
    const timings = (await getGeneration(app.db, res.generationId))!.stepTimings;
    expect(Object.keys(timings).sort()).toEqual(["likeness", "photomaker-1", "save"]);
    expect(timings.likeness).toBeLessThanOrEqual(timings.save!);
  });

  it("labels a FLUX stand-in as not identity-preserving and records that its result shows no face", async () => {
    const u = await userWithProject();
    const res = await u.caller.avatar.generateWithPhotoMaker(photoForm(fields(u.projectId, `${STAND_IN} portrait`), files(await facePhotoJpeg(0))));
    const done = await waitForGeneration(u, res.generationId);
    expect(done.attempts.map((a) => `${a.engine}:${a.errorCode ?? "ok"}`)).toEqual(["photomaker:GENERATION_TIMEOUT", "photomaker:GENERATION_TIMEOUT", "flux:ok"]);
    const [avatar] = (await u.caller.avatar.list({ projectId: u.projectId })).items;
    expect(avatar).toMatchObject({ identityPreserving: false, identityLabel: NOT_IDENTITY_PRESERVING, likenessStatus: "no_face", likeness: null });
  });

  it("reports in system.health that the face models are loaded", async () => {
    const health = await app.anonymous.system.health();
    expect(health.faces).toMatchObject({ enabled: true, state: "ready", modelsLoaded: true, backend: "wasm", error: null });
  });

  it("skips the check without a face room (FACE_CHECK=off): a photo with no face goes through", async () => {
    const u = await userWithProject();
    const request = await parseGenerationForm(photoForm(fields(u.projectId), files(await noFaceJpeg("gradient"))));
    const res = await submitGeneration({ ...app.jobs, faces: null }, u.id, request);
    expect(res.faces).toEqual([]);
    expect(await waitForGeneration(u, res.generation.id)).toMatchObject({ status: "succeeded", faces: [] });
  });
});

describe("face metrics", () => {
  it("counts refusals and warnings by reason, and averages likeness by engine and tier", async () => {
    const m = await faceMetrics(app.db);
    expect(m.refusedByReason).toMatchObject({ no_face: 1, several_people: 1, different_person: 1 });
    expect(m.warningsByReason).toContainEqual({ reason: "small_face", photos: 1 });
    const offlineBasic = m.likenessByEngineAndTier.find((r) => r.engine === "offline" && r.tier === "basic" && r.identityPreserving);
    expect(offlineBasic?.averageLikeness).toBeGreaterThanOrEqual(65);
  });
});
