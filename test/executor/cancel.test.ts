import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

/**
 * cancelOn through the real SDK and executor: the matching event ends the function's unfinished
 * runs (sleeping, queued, or with a step in flight), a non-matching one doesn't, `timeout` limits
 * it, onFailure never runs, and `inngest/function.cancelled` is emitted.
 */
describe("executor: cancelOn", () => {
  let h: Harness;
  const ran: string[] = [];
  const failures: string[] = [];
  const cancelNotices: string[] = [];
  let release: (() => void) | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let stepStarted: () => void = () => {};

  beforeAll(async () => {
    h = await startHarness((inngest) => [
      inngest.createFunction(
        {
          id: "napper",
          triggers: [{ event: "test/nap" }],
          cancelOn: [{ event: "test/stop", match: "data.id" }],
          onFailure: async ({ event }: { event: { data: { event: { data: Record<string, unknown> } } } }) => {
            failures.push(String(event.data.event.data.id));
          },
        },
        async ({ event, step }) => {
          await step.run("before", () => ran.push(`before:${event.data.id}`));
          await step.sleep("nap", "1h");
          await step.run("after", () => ran.push(`after:${event.data.id}`));
          return "woke up";
        },
      ),
      inngest.createFunction(
        { id: "busy", triggers: [{ event: "test/busy" }], cancelOn: [{ event: "test/stop", if: "event.data.id == async.data.id" }] },
        async ({ event, step }) => {
          await step.run("long", async () => {
            stepStarted();
            await new Promise<void>((resolve) => (release = resolve));
            ran.push(`long:${event.data.id}`);
            return "long done";
          });
          await step.run("next", () => ran.push(`next:${event.data.id}`));
          return "finished";
        },
      ),
      inngest.createFunction(
        { id: "cancel-watcher", triggers: [{ event: "inngest/function.cancelled" }] },
        async ({ event }) => {
          cancelNotices.push(`${String(event.data.function_id)}:${String((event.data.event as { data: { id: string } }).data.id)}`);
        },
      ),
      inngest.createFunction(
        // 5 s of logical time: 5 ms at the harness's time scale.
        { id: "brief-window", triggers: [{ event: "test/window" }], cancelOn: [{ event: "test/stop", match: "data.id", timeout: "5s" }] },
        async ({ step }) => {
          await step.sleep("nap", "200s");
          return "survived";
        },
      ),
    ]);
  });
  afterAll(() => h?.close());

  async function waitForStep(runId: string, name: string, status: string) {
    for (let i = 0; i < 200; i++) {
      const run = await h.executor.getRun(runId);
      if (run?.steps.some((s) => s.name === name && s.status === status)) return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`step ${name} never reached ${status}`);
  }

  it("cancels a sleeping run on the matching event only, marks its steps, and never runs onFailure", async () => {
    const [mine] = await h.trigger("test/nap", { id: "a" });
    const [other] = await h.trigger("test/nap", { id: "b" });
    await waitForStep(mine!.id, "nap", "sleeping");
    await waitForStep(other!.id, "nap", "sleeping");

    await h.inngest.send({ name: "test/stop", data: { id: "a" } });
    const cancelled = await h.executor.waitForRun(mine!.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.error).toMatchObject({ name: "Cancelled" });
    expect(cancelled.steps.map((s) => [s.name, s.status])).toEqual([
      ["before", "completed"],
      ["nap", "cancelled"],
    ]);
    expect((await h.executor.getRun(other!.id))?.status).toBe("running");
    expect(await h.executor.listRuns({ status: "cancelled", functionId: "test-app-napper" })).toEqual([
      expect.objectContaining({ id: mine!.id }),
    ]);

    const notices = await h.executor.listRuns({ functionId: "test-app-napper-failure" });
    expect(notices).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(failures).toEqual([]);
    expect(ran).not.toContain("after:a");
  });

  it("drops the answer of a step that was in flight when the run was cancelled", async () => {
    const started = new Promise<void>((resolve) => (stepStarted = resolve));
    const [run] = await h.trigger("test/busy", { id: "c" });
    await started;
    await h.inngest.send({ name: "test/stop", data: { id: "c" } });
    expect((await h.executor.waitForRun(run!.id)).status).toBe("cancelled");
    release!();
    inFlight = new Promise((r) => setTimeout(r, 500));
    await inFlight;
    const after = await h.executor.getRun(run!.id);
    expect(after?.status).toBe("cancelled");
    expect(after?.steps.find((s) => s.name === "long")?.status ?? "never memoised").not.toBe("completed");
    expect(ran).toContain("long:c"); // the body itself ran to its end in the app
    expect(ran).not.toContain("next:c");
  });

  it("honours the entry's timeout: an event after it cancels nothing", async () => {
    const [run] = await h.trigger("test/window", { id: "d" });
    await waitForStep(run!.id, "nap", "sleeping");
    await new Promise((r) => setTimeout(r, 50));
    await h.inngest.send({ name: "test/stop", data: { id: "d" } });
    expect((await h.executor.waitForRun(run!.id)).status).toBe("completed");
  });

  it("finds runs by the id their sender gave the event, and records inngest/function.cancelled", async () => {
    await h.inngest.send({ id: "my-key-1", name: "test/nap", data: { id: "e" } });
    await h.inngest.send({ id: "my-key-1", name: "test/nap", data: { id: "e" } }); // the same id: no second run
    const runs = await h.executor.listRuns({ eventKey: "my-key-1" });
    expect(runs).toHaveLength(1);
    const res = await fetch(`${h.executor.url}/v0/runs?eventKey=my-key-1`);
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((r) => r.id)).toEqual([runs[0]!.id]);
    await waitForStep(runs[0]!.id, "nap", "sleeping");
    await h.inngest.send({ name: "test/stop", data: { id: "e" } });
    expect((await h.executor.waitForRun(runs[0]!.id)).status).toBe("cancelled");
    expect(await h.executor.listRuns({ eventKey: "no-such-key" })).toEqual([]);
    for (let i = 0; i < 100 && !cancelNotices.includes("test-app-napper:e"); i++) await new Promise((r) => setTimeout(r, 25));
    expect(cancelNotices).toEqual(expect.arrayContaining(["test-app-napper:a", "test-app-busy:c", "test-app-napper:e"]));
  });
});
