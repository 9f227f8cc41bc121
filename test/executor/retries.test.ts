import { NonRetriableError, RetryAfterError, type FailureEventArgs } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

describe("executor: errors, retries and onFailure", () => {
  let h: Harness;
  const attemptsAt: Record<string, number[]> = {};
  const failures: { runId: string; message: string }[] = [];
  const count = (key: string) => {
    (attemptsAt[key] ??= []).push(Date.now());
    return attemptsAt[key].length;
  };

  beforeAll(async () => {
    h = await startHarness((inngest) => [
      inngest.createFunction({ id: "retry-after", retries: 3, triggers: [{ event: "test/retry-after" }] }, async ({ step }) =>
        step.run("flaky", () => {
          // 120 s × 0.001 = 120 ms, far above the ~10 ms the scaled default backoff would give.
          if (count("retry-after") === 1) throw new RetryAfterError("busy", "120s");
          return "ok";
        }),
      ),
      inngest.createFunction({ id: "non-retriable", retries: 3, triggers: [{ event: "test/non-retriable" }] }, async ({ step }) =>
        step.run("doomed", () => {
          count("non-retriable");
          throw new NonRetriableError("bad input");
        }),
      ),
      inngest.createFunction({ id: "fallback", retries: 2, triggers: [{ event: "test/fallback" }] }, async ({ step }) => {
        try {
          return await step.run("primary", () => {
            count("primary");
            throw new Error("primary engine down");
          });
        } catch {
          return step.run("fallback", () => {
            count("fallback");
            return "fallback result";
          });
        }
      }),
      inngest.createFunction(
        {
          id: "doomed",
          retries: 1,
          triggers: [{ event: "test/doomed" }],
          onFailure: ({ event, error }: FailureEventArgs) => {
            // Counted per invocation of the handler itself: exactly once means one call.
            failures.push({ runId: event.data.run_id, message: error.message });
          },
        },
        async ({ step }) => {
          await step.run("charge", () => count("charge"));
          await step.run("explode", () => {
            count("explode");
            throw new Error("kaboom");
          });
        },
      ),
      inngest.createFunction({ id: "body-throws", retries: 2, triggers: [{ event: "test/body-throws" }] }, async () => {
        count("body");
        throw new Error("not in a step");
      }),
    ]);
  });
  afterAll(() => h?.close());

  it("honours RetryAfterError's delay (scaled)", async () => {
    const [run] = await h.trigger("test/retry-after");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("completed");
    const [first, second] = attemptsAt["retry-after"]!;
    expect(second! - first!).toBeGreaterThanOrEqual(120);
    expect(done.steps[0]).toMatchObject({ status: "completed", attempts: 2 });
    expect(done.retries).toBe(1);
  });

  it("does not retry a NonRetriableError", async () => {
    const [run] = await h.trigger("test/non-retriable");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("failed");
    expect(attemptsAt["non-retriable"]).toHaveLength(1);
    expect(done.error).toMatchObject({ message: expect.stringContaining("bad input") });
  });

  it("lets a try/catch run a fallback step once a step's retries are exhausted", async () => {
    const [run] = await h.trigger("test/fallback");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("completed");
    expect(done.output).toBe("fallback result");
    expect(attemptsAt["primary"]).toHaveLength(3); // first attempt + 2 retries
    expect(attemptsAt["fallback"]).toHaveLength(1);
    expect(done.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["primary", "failed", 3],
      ["fallback", "completed", 1],
    ]);
  });

  it("runs onFailure exactly once after the final failure, and never re-runs completed steps", async () => {
    const [run] = await h.trigger("test/doomed");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("failed");
    await expect.poll(() => failures.length).toBe(1);
    const [failureRun] = await h.executor.listRuns({ functionId: "test-app-doomed-failure" });
    expect(await h.executor.waitForRun(failureRun!.id)).toMatchObject({ status: "completed" });
    await new Promise((r) => setTimeout(r, 300));
    expect(failures).toEqual([{ runId: run!.id, message: expect.stringContaining("kaboom") }]);
    expect(attemptsAt["charge"]).toHaveLength(1);
    expect(attemptsAt["explode"]).toHaveLength(2);
  });

  it("retries a function-level error up to the configured count", async () => {
    const [run] = await h.trigger("test/body-throws");
    const done = await h.executor.waitForRun(run!.id);
    expect(done.status).toBe("failed");
    expect(attemptsAt["body"]).toHaveLength(3);
    expect(done).toMatchObject({ calls: 3, retries: 2 });
  });
});
