import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

describe("executor: steps, parallelism, sleeps and waits", () => {
  let h: Harness;
  const bodies: string[] = [];
  const parallel = { started: 0, overlapped: 0 };

  beforeAll(async () => {
    h = await startHarness((inngest) => [
      inngest.createFunction({ id: "happy", triggers: [{ event: "test/happy" }] }, async ({ event, step }) => {
        const a = await step.run("a", () => {
          bodies.push("a");
          return (event.data.n as number) + 1;
        });
        const b = await step.run("b", () => {
          bodies.push("b");
          return a * 10;
        });
        return { a, b };
      }),
      inngest.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
        // Each step waits (up to 2 s) for the other to start: only truly parallel calls both see it.
        const both = async (name: string) => {
          parallel.started++;
          const until = Date.now() + 2_000;
          while (parallel.started < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
          if (parallel.started >= 2) parallel.overlapped++;
          return name;
        };
        const [x, y] = await Promise.all([step.run("x", () => both("x")), step.run("y", () => both("y"))]);
        const z = await step.run("after", () => `${x}${y}`);
        return z;
      }),
      inngest.createFunction({ id: "sleepy", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
        const before = await step.run("before", () => Date.now());
        await step.sleep("nap", "200s");
        const after = await step.run("after", () => Date.now());
        return after - before;
      }),
      inngest.createFunction({ id: "waiter", triggers: [{ event: "test/wait" }] }, async ({ event, step }) => {
        const got = await step.waitForEvent("approval", { event: "test/approved", timeout: "1h", if: "async.data.id == event.data.id" });
        return got ? got.data.ok : "timed out";
      }),
      inngest.createFunction({ id: "impatient", triggers: [{ event: "test/impatient" }] }, async ({ step }) => {
        const got = await step.waitForEvent("never", { event: "test/never", timeout: "30s", match: "data.id" });
        return got === null ? "timed out" : "got it";
      }),
    ]);
  });
  afterAll(() => h?.close());

  it("runs a function step by step and records every step once", async () => {
    const [run] = await h.trigger("test/happy", { n: 1 });
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ a: 2, b: 20 });
    expect(done.steps.map((s) => [s.name, s.status, s.attempts, s.output])).toEqual([
      ["a", "completed", 1, 2],
      ["b", "completed", 1, 20],
    ]);
    expect(bodies).toEqual(["a", "b"]);
    // One call: the SDK ran both steps back to back and checkpointed each (checkpoint.test.ts).
    expect(done.calls).toBe(1);
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    const overHttp = (await (await fetch(`${h.executor.url}/v0/runs/${run!.id}`)).json()) as { data: { status: string } };
    expect(overHttp.data.status).toBe("completed");
  });

  it("runs two parallel steps at the same time, then continues", async () => {
    const [run] = await h.trigger("test/parallel");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("completed");
    expect(done.output).toBe("xy");
    expect(parallel.overlapped).toBe(2);
    expect(done.steps.filter((s) => s.status === "completed")).toHaveLength(3);
  });

  it("sleeps for the scaled duration (200 s × 0.001 = 200 ms)", async () => {
    const [run] = await h.trigger("test/sleep");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("completed");
    expect(done.output as number).toBeGreaterThanOrEqual(200);
    expect(done.output as number).toBeLessThan(5_000);
    expect(done.steps.find((s) => s.name === "nap")?.op).toBe("Sleep");
  });

  it("resumes a waitForEvent with the matching event only", async () => {
    const [run] = await h.trigger("test/wait", { id: "req-1" });
    await expect.poll(async () => (await h.executor.getRun(run!.id))?.steps[0]?.status).toBe("waiting");
    await h.inngest.send({ name: "test/approved", data: { id: "other", ok: "wrong" } });
    await h.inngest.send({ name: "test/approved", data: { id: "req-1", ok: "yes" } });
    const done = await h.executor.waitForRun(run!.id);
    expect(done.output).toBe("yes");
  });

  it("resolves a waitForEvent to null at its (scaled) timeout", async () => {
    const [run] = await h.trigger("test/impatient", { id: 7 });
    const done = await h.executor.waitForRun(run!.id);
    expect(done.output).toBe("timed out");
  });
});
