import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

describe("executor: concurrency limit and priority", () => {
  let h: Harness;
  const gauge = { active: 0, max: 0 };
  const order: string[] = [];

  beforeAll(async () => {
    h = await startHarness((inngest) => [
      inngest.createFunction({ id: "limited", concurrency: 2, triggers: [{ event: "test/limited" }] }, async ({ step }) => {
        const work = async () => {
          gauge.active++;
          gauge.max = Math.max(gauge.max, gauge.active);
          await new Promise((r) => setTimeout(r, 25));
          gauge.active--;
        };
        await step.run("one", work);
        await step.run("two", work);
      }),
      inngest.createFunction(
        { id: "prioritised", concurrency: 1, priority: { run: "event.data.priority" }, triggers: [{ event: "test/prioritised" }] },
        async ({ event, step }) => {
          await step.run("work", async () => {
            order.push(event.data.label as string);
            if (event.data.label === "blocker") await new Promise((r) => setTimeout(r, 300));
          });
        },
      ),
    ]);
  });
  afterAll(() => h?.close());

  it("never has more calls in flight than the limit under 20 simultaneous events", async () => {
    const events = Array.from({ length: 20 }, (_, i) => ({ name: "test/limited", data: { i } }));
    const { ids } = await h.inngest.send(events);
    expect(ids).toHaveLength(20);
    const runs = (await Promise.all(ids.map((id) => h.executor.listRuns({ eventId: id })))).flat();
    expect(runs).toHaveLength(20);
    for (const run of runs) expect((await h.executor.waitForRun(run.id)).status).toBe("completed");
    expect(gauge.max).toBe(2); // reached, and never exceeded
  });

  it("starts queued runs with a higher priority.run first", async () => {
    await h.inngest.send({ name: "test/prioritised", data: { label: "blocker", priority: 0 } });
    await expect.poll(() => order.includes("blocker")).toBe(true);
    await h.inngest.send([
      { name: "test/prioritised", data: { label: "low-1", priority: 0 } },
      { name: "test/prioritised", data: { label: "low-2", priority: 0 } },
      { name: "test/prioritised", data: { label: "high", priority: 300 } },
    ]);
    await expect.poll(() => order.length, { timeout: 10_000 }).toBe(4);
    expect(order).toEqual(["blocker", "high", "low-1", "low-2"]);
  });
});
