import { describe, expect, it } from "vitest";
import { evaluate, eventDataPath, matches } from "~/executor/expressions";
import { backoffMs, delayUntil, parseDuration, parseRetryAfter } from "~/executor/time";

describe("expressions", () => {
  const scope = { event: { data: { id: "a", n: 3, nested: { ok: true } } }, async: { data: { id: "a", n: 4 } } };

  it("compares dotted paths and literals the way the SDK writes them", () => {
    expect(evaluate("event.data.id == async.data.id", scope)).toBe(true);
    expect(evaluate("event.data.n == async.data.n", scope)).toBe(false);
    expect(evaluate("event.data.id == 'a' && async.data.n > 3", scope)).toBe(true);
    expect(evaluate('event.data.id != "a" || !(event.data.nested.ok == false)', scope)).toBe(true);
    expect(evaluate("event.data.missing == null", scope)).toBe(true);
    expect(evaluate("event.data.n >= 3.5", scope)).toBe(false);
  });

  it("treats what it cannot read as no match, and reports it", () => {
    const reported: string[] = [];
    expect(matches("size(event.data.list) > 1", scope, (e) => reported.push(e.message))).toBe(false);
    expect(matches("event.data.id == 'unterminated", scope, (e) => reported.push(e.message))).toBe(false);
    expect(reported).toHaveLength(2);
    expect(matches(undefined, scope, () => {})).toBe(true);
  });

  it("recognises event.data.<field> for priority.run", () => {
    expect(eventDataPath("event.data.priority")).toEqual(["data", "priority"]);
    expect(eventDataPath("event.data.user.tier")).toEqual(["data", "user", "tier"]);
    expect(eventDataPath("event.data.plan == 'pro' ? 120 : 0")).toBeNull();
  });
});

describe("time", () => {
  it("parses the SDK's durations, dates and retry-after headers", () => {
    expect(parseDuration("1h30m5s")).toBe(5_405_000);
    expect(parseDuration("2w")).toBe(1_209_600_000);
    expect(parseDuration("soon")).toBeNull();
    expect(delayUntil(new Date(10_000).toISOString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter("30", 0)).toBe(30_000);
    expect(parseRetryAfter(new Date(5_000).toUTCString(), 1_000)).toBe(4_000);
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it("backs off exponentially with bounded jitter", () => {
    expect(backoffMs(0, () => 0.5)).toBe(10_000);
    expect(backoffMs(2, () => 0)).toBe(32_000);
    expect(backoffMs(30, () => 1)).toBe(4_320_000);
  });
});
