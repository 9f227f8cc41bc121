import { describe, expect, it } from "vitest";
import { ProjectVersionReader } from "../../src/server/generations/project-versions";

/**
 * The shared version reads behind avatar.list: a read answers only calls made before it started,
 * so nobody gets a version older than their own call. The read here is a stand-in for the
 * statement: it records when it started and answers from the "database" as it was then.
 */
function harness() {
  const db = new Map<string, { userId: string; version: number }>([
    ["p1", { userId: "u1", version: 1 }],
    ["p2", { userId: "u2", version: 7 }],
  ]);
  const reads: Array<{ ids: string[]; finish(error?: Error): void }> = [];
  const reader = new ProjectVersionReader((ids) => {
    const snapshot = ids.flatMap((id) => (db.has(id) ? [{ id, ...db.get(id)! }] : []));
    return new Promise((resolve, reject) => reads.push({ ids, finish: (error) => (error ? reject(error) : resolve(snapshot)) }));
  });
  return { db, reads, reader };
}
const tick = () => new Promise((r) => setImmediate(r));

describe("ProjectVersionReader", () => {
  it("reads at once when idle, and answers the owner and version, or undefined for no such project", async () => {
    const { reads, reader } = harness();
    const a = reader.get("p1");
    const none = reader.get("nope");
    expect(reads.map((r) => r.ids)).toEqual([["p1"]]);
    reads[0]!.finish();
    expect(await a).toEqual({ userId: "u1", version: 1 });
    await tick();
    expect(reads.map((r) => r.ids)).toEqual([["p1"], ["nope"]]);
    reads[1]!.finish();
    expect(await none).toBeUndefined();
  });

  it("never answers a call from a read that started before it: a change made meanwhile is seen", async () => {
    const { db, reads, reader } = harness();
    const before = reader.get("p1");
    db.set("p1", { userId: "u1", version: 2 }); // committed while the first read runs
    const after = reader.get("p1");
    reads[0]!.finish();
    expect(await before).toEqual({ userId: "u1", version: 1 });
    await tick();
    expect(reads).toHaveLength(2); // the second call waited for a read of its own
    reads[1]!.finish();
    expect(await after).toEqual({ userId: "u1", version: 2 });
  });

  it("shares one read between every call that arrived during the previous one, across projects", async () => {
    const { reads, reader } = harness();
    const first = reader.get("p1");
    const waiting = [reader.get("p1"), reader.get("p2"), reader.get("p1"), reader.get("p2")];
    reads[0]!.finish();
    await first;
    await tick();
    expect(reads.map((r) => r.ids)).toEqual([["p1"], ["p1", "p2"]]);
    reads[1]!.finish();
    expect((await Promise.all(waiting)).map((v) => v?.version)).toEqual([1, 7, 1, 7]);
    await tick();
    expect(reads).toHaveLength(2); // nothing left waiting, no read started
  });

  it("a failed read rejects the calls it was answering, and the next calls read again", async () => {
    const { reads, reader } = harness();
    const failing = reader.get("p1");
    const queued = reader.get("p2");
    reads[0]!.finish(new Error("connection lost"));
    await expect(failing).rejects.toThrow("connection lost");
    await tick();
    reads[1]!.finish();
    expect(await queued).toEqual({ userId: "u2", version: 7 });
  });
});
