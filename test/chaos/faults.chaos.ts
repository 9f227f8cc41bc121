import "../helpers/face-check-off";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPlanByEmail } from "~/server/accounts";
import { grantCredits } from "~/server/credits";
import { TIERS, tiersForPlan, type Plan } from "~/server/tiers";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";
import { checkInvariants } from "./invariants";
import { chaosRandom, faultScript } from "./random";
import { huggingFaceEngine } from "../helpers/engines";

/**
 * Random faults from the fake Hugging Face server's whole catalogue (for PhotoMaker and FLUX
 * alike) across many generations of every tier, through the real executor and workflow; then
 * the invariants over the whole database and storage (see invariants.ts).
 */
const GENERATIONS = 45;
const SCALE = 0.002; // a 60 s rate-limit wait takes 120 ms
const rand = chaosRandom();
let fake: FakeHuggingFace;
let app: TestApp;

beforeAll(async () => {
  console.info(`faults chaos: CHAOS_SEED=${rand.seed}`);
  fake = await startFakeHuggingFace();
  // "hang" must cost 300 ms, not the real 3 minutes.
  app = await createTestApp({ env: { FACE_CHECK: "off" }, jobs: { engine: huggingFaceEngine(fake, { timeoutMs: 300 }), timeScale: SCALE, concurrency: 4 } });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe("random faults across every tier", () => {
  it(`${GENERATIONS} generations end terminal, refunded once when failed, ledger = balance, no photo left`, async () => {
    // Enough scripted answers for every attempt; past the script the fake answers images.
    fake.enqueue(...faultScript(rand, GENERATIONS * 3));
    fake.enqueueFlux(...faultScript(rand, GENERATIONS));
    const users: Array<TestUser & { projectId: string; plan: Plan }> = [];
    for (const plan of ["free", "pro", "enterprise"] as const) {
      const u = await app.signUp();
      await setPlanByEmail(app.db, u.email, plan);
      await grantCredits(app.db, { userId: u.id, amount: 2_000, description: "chaos", grantedBy: "test" });
      const project = await u.caller.project.create({ name: `Chaos ${plan}` });
      users.push({ ...u, projectId: project.id, plan });
    }
    const photo = await portraitJpeg(9, 384, 512);

    const submitted = await Promise.all(
      Array.from({ length: GENERATIONS }, async (_, i) => {
        const u = users[i % users.length]!;
        const tier = rand.pick(tiersForPlan(u.plan));
        const res = await u.caller.avatar.generateWithPhotoMaker(
          photoForm({ projectId: u.projectId, name: `g${i}`, prompt: "portrait in a garden", gender: "woman", tier }, [{ bytes: photo }]),
        );
        return { user: u, id: res.generationId };
      }),
    );
    for (const s of submitted) await waitForGeneration(s.user, s.id, 120_000);

    // Whether the random script happened to make PhotoMaker give up is luck; the FLUX stand-in
    // path must be in every run, so one more generation gets a script that forces it.
    fake.reset();
    fake.enqueue(...Array.from({ length: 4 }, () => ({ kind: "loading" as const })));
    const last = users[0]!;
    const forced = await last.caller.avatar.generateWithPhotoMaker(
      photoForm({ projectId: last.projectId, name: "forced-flux", prompt: "portrait", gender: "woman" }, [{ bytes: photo }]),
    );
    expect((await waitForGeneration(last, forced.generationId, 60_000)).engine).toBe("flux");

    const summary = await checkInvariants(app.db, app.storageDir);
    console.info(`faults chaos: ${JSON.stringify({ ...summary, violations: summary.violations.length })}`);
    expect(summary.violations).toEqual([]);
    expect(summary.generations).toBe(GENERATIONS + 1);
    expect(Object.keys(summary.tiers).sort()).toEqual([...TIERS].sort()); // every tier ran
    expect(summary.failed).toBeGreaterThan(0); // the faults really bit…
    expect(summary.succeeded).toBeGreaterThan(0); // …and recovery really happened
    expect(fake.requests.filter((r) => r.target === "flux").length).toBeGreaterThan(0);
  }, 240_000);
});
