import "../helpers/face-check-off";
import { eq, or } from "drizzle-orm";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportResponse } from "~/server/account/export";
import { grantPurchase } from "~/server/billing/webhook";
import { getBalance, ledgerSum } from "~/server/credits";
import { account, apikey, avatars, creditBalances, creditLedger, creditPurchases, generations, projects, session, user } from "~/server/db/schema";
import { createEngine } from "~/server/engines";
import { parseEnv } from "~/server/env";
import { avatarImageResponse } from "~/server/images";
import { storageKeys } from "~/server/storage";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { startS3Server, type TestS3 } from "../helpers/s3";
import { codeOf } from "../helpers/trpc";
import { waitForGeneration } from "../helpers/wait";

/**
 * Leaving with everything: the export (a ZIP of every avatar full size, projects and generations,
 * the ledger), then deletion on the password: in-flight generations cancelled and refunded first,
 * every stored object and row gone, purchases kept for accounting under an anonymous id, and
 * another user's data untouched. The engine is the real Hugging Face one against the fake, whose
 * "hold" keeps a generation in flight across the deletion. All of it on the local directory and
 * on an S3 bucket (a real s3rver: listing and batch deletion as the bucket does them).
 */
let fake: FakeHuggingFace;
let photo: Buffer;

beforeAll(async () => {
  fake = await startFakeHuggingFace();
  photo = await portraitJpeg(8);
}, 60_000);
afterAll(async () => {
  await fake?.close();
});

async function generate(u: TestUser, projectId: string, name: string) {
  const { generationId } = await u.caller.avatar.generateWithPhotoMaker(photoForm({ projectId, name, prompt: "portrait", gender: "man" }, [{ bytes: photo }]));
  return generationId;
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

for (const backend of ["local directory", "S3 bucket"] as const)
describe(`leaving (${backend})`, () => {
  let app: TestApp;
  let s3: TestS3 | undefined;
  let leaver: TestUser;
  let other: TestUser;
  let leaverAvatars: string[];
  let otherAvatar: string;
  let heldGeneration: string;
  const sessionId = `cs_test_leaving_${Date.now()}`;

  beforeAll(async () => {
    fake.reset();
    if (backend === "S3 bucket") s3 = await startS3Server();
    const config = parseEnv({ GENERATION_ENGINE: "huggingface", HUGGINGFACE_API_KEY: "hf_test", PHOTOMAKER_ENDPOINT_URL: fake.photomakerUrl, HUGGINGFACE_HOSTS_OVERRIDE: fake.url });
    app = await createTestApp({ jobs: { engine: createEngine(config), timeScale: 0.01 }, env: { FACE_CHECK: "off", ...s3?.env } });
    leaver = await app.signUp(`leaver-${Date.now()}@example.com`);
    other = await app.signUp(`stays-${Date.now()}@example.com`);
    const quiet = { info() {}, warn() {}, error() {} };
    await grantPurchase({ db: app.db, logger: quiet }, {
      id: sessionId, object: "checkout.session", client_reference_id: leaver.id, metadata: { pack: "starter" }, amount_total: 499, currency: "usd", payment_intent: "pi_test_leaving", payment_status: "paid",
    } as never);
    await leaver.caller.apiToken.create({ name: "script" });
    const headshots = await leaver.caller.project.create({ name: "Headshots" });
    for (const name of ["First", "Second"]) await waitForGeneration(leaver, await generate(leaver, headshots.id, name));
    leaverAvatars = ((await leaver.caller.avatar.list({ projectId: headshots.id })).items).map((a) => a.id);
    const mine = await other.caller.project.create({ name: "Mine" });
    await waitForGeneration(other, await generate(other, mine.id, "Keep me"));
    otherAvatar = ((await other.caller.avatar.list({ projectId: mine.id })).items)[0]!.id;
    fake.enqueue("hold");
    heldGeneration = await generate(leaver, headshots.id, "In flight");
    for (let i = 0; i < 200 && fake.requests.filter((r) => r.target === "photomaker").length < 4; i++) await new Promise((r) => setTimeout(r, 25));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await s3?.close();
  });

  it("exports every avatar full size, the projects with their generations, and the ledger, to the owner only", async () => {
    const res = exportResponse(app, leaver.id, new Date("2026-12-01T10:00:00Z"));
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="avatar-studio-export-2026-12-01.zip"');
    const files = unzipSync(new Uint8Array(await read(res.body!)));
    const names = Object.keys(files).sort();
    expect(names.filter((n) => !n.startsWith("avatars/"))).toEqual(["account.json", "credit-ledger.json", "projects.json"]);
    expect(names.filter((n) => n.startsWith("avatars/"))).toHaveLength(2);

    const decode = (name: string) => JSON.parse(new TextDecoder().decode(files[name]));
    expect(decode("account.json")).toMatchObject({ email: leaver.email, plan: "free", balance: 100 + 100 - 18 * 3 });
    const [project] = decode("projects.json") as Array<{ name: string; generations: Array<{ name: string; status: string; settings: { prompt: string }; avatars: Array<{ id: string; file: string; likenessStatus: string }> }> }>;
    expect(project!.name).toBe("Headshots");
    expect(project!.generations.map((g) => [g.name, g.status])).toEqual([["First", "succeeded"], ["Second", "succeeded"], ["In flight", "processing"]]);
    expect(project!.generations[0]!.settings.prompt).toBe("portrait");
    for (const g of project!.generations.slice(0, 2)) {
      const [a] = g.avatars;
      const [row] = await app.db.select().from(avatars).where(eq(avatars.id, a!.id));
      expect(Buffer.from(files[a!.file]!)).toEqual(await app.storage.get(row!.imageKey));
      expect(a!.likenessStatus).toBe("unmeasured");
    }
    expect((decode("credit-ledger.json") as Array<{ kind: string }>).map((e) => e.kind)).toEqual(["grant", "purchase", "charge", "charge", "charge"]);
    expect(exportResponse(app, null).status).toBe(401);
  });

  it("refuses the wrong password and changes nothing", async () => {
    expect(await codeOf(leaver.caller.account.delete({ password: "not my password" }))).toBe("BAD_REQUEST");
    expect(await codeOf(leaver.caller.account.delete({ password: "" }))).toBe("BAD_REQUEST");
    expect((await leaver.caller.generation.get({ id: heldGeneration })).status).toBe("processing");
    expect((await app.db.select().from(user).where(eq(user.id, leaver.id))).length).toBe(1);
  });

  it("deletes everything on the password: runs cancelled and refunded first, objects, rows; purchases kept anonymously", async () => {
    const objectsBefore = (await Promise.all(storageKeys.userPrefixes(leaver.id).map((p) => app.storage.list(p)))).flat();
    expect(objectsBefore.length).toBeGreaterThanOrEqual(4); // two avatars and their thumbnails, at least
    const imageKeys = (await app.db.select().from(avatars).where(eq(avatars.userId, leaver.id))).flatMap((a) => [a.imageKey, a.thumbnailKey]);

    expect(await leaver.caller.account.delete({ password: "correct horse battery" })).toEqual({ deleted: true, cancelled: 1, refunded: 18 });
    const runs = await app.jobs.runs!.forEvent(`generation-requested:${heldGeneration}`);
    expect(runs.map((r) => r.status)).toEqual(["cancelled"]);

    // Signing in fails; every former image URL answers 404 (to anyone).
    await expect(app.auth.api.signInEmail({ body: { email: leaver.email, password: "correct horse battery" } })).rejects.toThrow();
    for (const id of leaverAvatars) {
      for (const who of [leaver.id, other.id]) for (const size of ["full", "thumb"]) expect((await avatarImageResponse(app, who, id, size)).status).toBe(404);
    }
    for (const key of imageKeys) expect(await app.storage.has(key)).toBe(false);

    // The engine answers the cancelled call after all: nothing of it is kept either.
    fake.release();
    await new Promise((r) => setTimeout(r, 800));
    for (const prefix of storageKeys.userPrefixes(leaver.id)) expect(await app.storage.list(prefix), prefix).toEqual([]);
    // Checked in the bucket itself too, not only through the storage under test.
    if (s3) for (const prefix of storageKeys.userPrefixes(leaver.id)) expect(await s3.keys(prefix), prefix).toEqual([]);

    for (const [table, column] of [
      [user, user.id],
      [projects, projects.userId],
      [generations, generations.userId],
      [avatars, avatars.userId],
      [apikey, apikey.referenceId],
      [session, session.userId],
      [account, account.userId],
      [creditBalances, creditBalances.userId],
      [creditLedger, creditLedger.userId],
      [creditPurchases, creditPurchases.userId],
    ] as const) {
      expect(await app.db.select().from(table).where(eq(column, leaver.id)), table === user ? "user" : String(column.name)).toEqual([]);
    }
    const kept = await app.db.select().from(creditLedger).where(eq(creditLedger.referenceId, sessionId));
    expect(kept).toEqual([expect.objectContaining({ kind: "purchase", amount: 100, userId: expect.stringMatching(/^deleted-[0-9a-f-]{36}$/) })]);
    const [purchase] = await app.db.select().from(creditPurchases).where(eq(creditPurchases.sessionId, sessionId));
    expect(purchase!.userId).toBe(kept[0]!.userId);
    expect(await app.db.select().from(creditLedger).where(or(eq(creditLedger.userId, kept[0]!.userId)))).toHaveLength(1);
  });

  it("leaves another user's data untouched", async () => {
    expect((await avatarImageResponse(app, other.id, otherAvatar, "full")).status).toBe(200);
    expect((await avatarImageResponse(app, other.id, otherAvatar, "thumb")).status).toBe(200);
    expect(await getBalance(app.db, other.id)).toBe(82);
    expect(await ledgerSum(app.db, other.id)).toBe(82);
    expect((await other.caller.project.list()).map((p) => p.name)).toEqual(["Mine"]);
    expect((await app.storage.list(`avatars/${other.id}/`)).length).toBe(2);
  });
});
