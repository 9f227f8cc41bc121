import { eq } from "drizzle-orm";
import sharp from "sharp";
import { generations } from "~/server/db/schema";
import type { GenerationSettings } from "~/server/generations/settings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";
import { portraitJpeg } from "../helpers/photos";
import { generatePath, guideForm, restServer, scriptUser, type ErrorBody } from "./client";

/**
 * The integration guide's script, as fetch calls: submit with a bearer token, poll the status
 * route until done, download the avatar. Over HTTP, real executor, offline engine.
 */
let app: TestApp;
let server: Awaited<ReturnType<typeof restServer>>;
let call: typeof server.call;
let photos: Buffer[];
beforeAll(async () => {
  app = await createTestApp({ jobs: true });
  server = await restServer(app);
  call = server.call;
  photos = await Promise.all([portraitJpeg(1), portraitJpeg(2)]);
});
afterAll(async () => {
  await server.close();
  await app.close();
});

interface GenerationBody {
  generation: { id: string; status: string; stage: string; tier: string; creditCost: number; photoCount: number; errorMessage: string | null };
}
interface StatusBody {
  generation: GenerationBody["generation"] & { avatars: Array<{ id: string; width: number; imageUrl: string; thumbnailUrl: string }> };
}

async function poll(token: string, statusUrl: string, timeoutMs = 40_000): Promise<StatusBody["generation"]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(statusUrl, { token });
    expect(res.status).toBe(200);
    const { generation } = (await res.json()) as StatusBody;
    if (generation.status === "succeeded" || generation.status === "failed") return generation;
    if (Date.now() > until) throw new Error(`still ${generation.status}/${generation.stage}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Generous: the machine is shared, and a first submit loads the face detector.
describe("POST …/avatars/generate-with-photo with a bearer token", { timeout: 60_000 }, () => {
  it.each([1, 2])("with %i photo(s): 201, then the generation completes and its avatar downloads", async (count) => {
    const u = await scriptUser(app);
    const res = await call(generatePath(u.projectId), { method: "POST", token: u.token, body: guideForm(photos.slice(0, count)) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as GenerationBody & { statusUrl: string };
    expect(body.generation).toMatchObject({ status: "queued", tier: "basic", creditCost: 18, photoCount: count });
    expect(res.headers.get("location")).toBe(body.statusUrl);
    expect(new URL(body.statusUrl).pathname).toBe(`/api/avatar-creator/generations/${body.generation.id}`);

    const done = await poll(u.token, body.statusUrl);
    expect(done).toMatchObject({ id: body.generation.id, status: "succeeded", stage: "succeeded", errorMessage: null });
    expect(done.avatars).toHaveLength(1);
    const image = await call(done.avatars[0]!.imageUrl, { token: u.token });
    expect(image.status).toBe(200);
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(512);

    // The same generation the browser sees, charged once.
    expect((await u.caller.generation.get({ id: done.id })).status).toBe("succeeded");
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });
  });

  it("a batch: `style` repeated and `variations=N` make that many generations, each with its own status URL", async () => {
    const u = await scriptUser(app);
    const form = guideForm(photos.slice(0, 1), { variations: "2" });
    form.append("style", "Cinematic");
    const res = await call(generatePath(u.projectId), { method: "POST", token: u.token, body: form });
    expect(res.status).toBe(201);
    const body = (await res.json()) as GenerationBody & { generations: Array<GenerationBody["generation"] & { batchId: string; statusUrl: string; settings: { style: string; seed: number } }> };
    expect(body.generations.map((g) => [g.settings.style, g.settings.seed])).toEqual([
      ["Photographic (Default)", 42],
      ["Photographic (Default)", 43],
      ["Cinematic", 42],
      ["Cinematic", 43],
    ]);
    expect(new Set(body.generations.map((g) => g.batchId)).size).toBe(1);
    expect(body.generation.id).toBe(body.generations[0]!.id);
    const done = await Promise.all(body.generations.map((g) => poll(u.token, g.statusUrl)));
    expect(done.map((g) => [g.status, g.avatars.length])).toEqual(Array(4).fill(["succeeded", 1]));
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 - 4 * 18 });

    const tooMany = guideForm(photos.slice(0, 1), { variations: "3" });
    tooMany.append("style", "Cinematic");
    const refused = await call(generatePath(u.projectId), { method: "POST", token: u.token, body: tooMany });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("At most 4 avatars per submission: 2 styles × 3 variations would make 6");
  });

  it("the same Idempotency-Key twice is one generation and one charge", async () => {
    const u = await scriptUser(app);
    const send = () =>
      call(generatePath(u.projectId), { method: "POST", token: u.token, body: guideForm(photos.slice(0, 1)), headers: { "idempotency-key": "nightly-2024-06-01" } });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = (await Promise.all([first.json(), second.json()])) as Array<GenerationBody & { replayed: boolean }>;
    expect(b!.generation.id).toBe(a!.generation.id);
    expect([a!.replayed, b!.replayed]).toEqual([false, true]);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    await poll(u.token, `/api/avatar-creator/generations/${a!.generation.id}`);
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toHaveLength(1);
  });

  // The product guide's "API Testing" curl, word for word: `style` there is free text (an attribute,
  // like gender or ethnicity) in one example and "professional" in its frontend example.
  it.each(["business professional", "professional"])("the guide's own request with style=%j: 201, then succeeded", async (style) => {
    const u = await scriptUser(app);
    const form = new FormData();
    form.set("photo0", new Blob([new Uint8Array(photos[0]!)], { type: "image/jpeg" }), "photo1.jpg");
    form.set("photo1", new Blob([new Uint8Array(photos[1]!)], { type: "image/jpeg" }), "photo2.jpg");
    form.set("name", "My Avatar");
    form.set("prompt", "professional business headshot");
    form.set("style", style);
    form.set("styleStrength", "0.85");
    const res = await call(generatePath(u.projectId), { method: "POST", token: u.token, body: form });
    expect(res.status).toBe(201);
    const body = (await res.json()) as GenerationBody & { statusUrl: string };
    expect(await poll(u.token, body.statusUrl)).toMatchObject({ status: "succeeded" });

    // Stored with the generation: the preset stays the default, the words are in the prompt, and
    // "Generate again" (which reuses the frozen settings) makes the same prompt.
    const generation = await u.caller.generation.get({ id: body.generation.id });
    expect(generation.settings).toMatchObject({ style: "Photographic (Default)", styleNotes: style, styleStrength: 0.85 });
    const [row] = await app.db.select().from(generations).where(eq(generations.id, body.generation.id));
    const built = (row!.settings as unknown as GenerationSettings).builtPrompt;
    expect(built).toContain(`, professional business headshot, ${style} style, `);
    const again = new FormData();
    again.set("generationId", body.generation.id);
    again.set("photo0", new File([new Uint8Array(photos[0]!)], "photo1.jpg"));
    const second = await u.caller.generation.retry(again);
    const [copy] = await app.db.select().from(generations).where(eq(generations.id, second.generationId));
    expect((copy!.settings as unknown as GenerationSettings).builtPrompt).toBe(built);
    expect((await u.caller.generation.get({ id: second.generationId })).settings.styleNotes).toBe(style);
    await poll(u.token, `/api/avatar-creator/generations/${second.generationId}`);
  });

  it("a preset name in `style` still picks the preset (case-insensitive, no \"(Default)\" needed)", async () => {
    const u = await scriptUser(app);
    for (const [style, preset] of [["comic book", "Comic book"], ["photographic", "Photographic (Default)"]] as const) {
      const res = await call(generatePath(u.projectId), { method: "POST", token: u.token, body: guideForm(photos.slice(0, 1), { style }) });
      expect(res.status).toBe(201);
      const { generation } = (await res.json()) as GenerationBody;
      expect((await u.caller.generation.get({ id: generation.id })).settings).toMatchObject({ style: preset, styleNotes: null });
      await poll(u.token, `/api/avatar-creator/generations/${generation.id}`);
    }
  });

  it("another user's generation and avatar are 404, the same as missing ones", async () => {
    const owner = await scriptUser(app);
    const other = await scriptUser(app);
    const res = await call(generatePath(owner.projectId), { method: "POST", token: owner.token, body: guideForm(photos.slice(0, 1)) });
    const { generation } = (await res.json()) as GenerationBody;
    const done = await poll(owner.token, `/api/avatar-creator/generations/${generation.id}`);
    for (const path of [`/api/avatar-creator/generations/${generation.id}`, done.avatars[0]!.imageUrl, "/api/avatar-creator/generations/nope"]) {
      const refused = await call(path, { token: other.token });
      expect(refused.status, path).toBe(404);
      expect(((await refused.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    }
    expect((await call(done.avatars[0]!.imageUrl, {})).status).toBe(401);
  });
});
