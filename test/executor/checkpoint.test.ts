import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

/**
 * Async checkpointing: with `ctx.fn_id` in the call, the SDK runs a function's steps back to back
 * in one call and reports each finished step to POST /v1/checkpoint/:runId/async.
 */

function threeSteps(bodies: string[]) {
  return async ({ event, step }: { event: { data: Record<string, unknown> }; step: { run: <T>(id: string, fn: () => T) => Promise<T> } }) => {
    const a = await step.run("a", () => (bodies.push("a"), (event.data.n as number) + 1));
    const b = await step.run("b", () => (bodies.push("b"), a * 10));
    const c = await step.run("c", () => (bodies.push("c"), b + 1));
    return { a, b, c };
  };
}

describe.each([
  { checkpointing: true, calls: 1 },
  { checkpointing: false, calls: 4 },
])("executor with checkpointing $checkpointing", ({ checkpointing, calls }) => {
  let h: Harness;
  const bodies: string[] = [];

  beforeAll(async () => {
    h = await startHarness((inngest) => [inngest.createFunction({ id: "three", triggers: [{ event: "test/three" }] }, threeSteps(bodies) as never)], {
      checkpointing,
    });
  });
  afterAll(() => h?.close());

  it(`runs three steps once each in ${calls} call(s), every step recorded with its output`, async () => {
    const [run] = await h.trigger("test/three", { n: 1 });
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ a: 2, b: 20, c: 21 });
    expect(done.steps.map((s) => [s.name, s.status, s.attempts, s.output])).toEqual([
      ["a", "completed", 1, 2],
      ["b", "completed", 1, 20],
      ["c", "completed", 1, 21],
    ]);
    expect(bodies).toEqual(["a", "b", "c"]);
    expect(done.calls).toBe(calls);
    for (const s of done.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe("checkpoint endpoint", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness((inngest) => [inngest.createFunction({ id: "three", triggers: [{ event: "test/three" }] }, threeSteps([]) as never)]);
  });
  afterAll(() => h?.close());

  const post = (runId: string, body: unknown) =>
    fetch(`${h.executor.url}/v1/checkpoint/${runId}/async`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("answers 409 for a finished run or a call without a lease, and records nothing", async () => {
    const [run] = await h.trigger("test/three", { n: 1 });
    const done = await h.executor.waitForRun(run!.id);
    const late = await post(run!.id, { run_id: run!.id, qi_id: "1", steps: [{ op: "StepRun", id: "late", data: 1 }] });
    expect(late.status).toBe(409);
    const unknown = await post("no-such-run", { run_id: "no-such-run", qi_id: "1", steps: [{ op: "StepRun", id: "x", data: 1 }] });
    expect(unknown.status).toBe(409);
    expect((await h.executor.getRun(run!.id))!.steps).toEqual(done.steps);
  });

  it("answers 400 for ops other than finished steps, and for a malformed body", async () => {
    const [run] = await h.trigger("test/three", { n: 1 });
    await h.executor.waitForRun(run!.id);
    expect((await post(run!.id, { qi_id: "1", steps: [{ op: "Sleep", id: "nap", name: "1s" }] })).status).toBe(400);
    expect((await post(run!.id, { steps: "nope" })).status).toBe(400);
  });
});
