import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalStorage } from "~/server/storage";

describe("local storage", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "storage-test-"));
  const storage = createLocalStorage(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("puts, reads, tells whether a key exists without reading it, and deletes", async () => {
    expect(await storage.has("inputs/u1/g1/a.jpg")).toBe(false);
    expect(await storage.get("inputs/u1/g1/a.jpg")).toBeNull();
    await storage.put("inputs/u1/g1/a.jpg", Buffer.from("photo"));
    expect(await storage.has("inputs/u1/g1/a.jpg")).toBe(true);
    expect((await storage.get("inputs/u1/g1/a.jpg"))?.toString()).toBe("photo");
    await storage.deletePrefix("inputs/u1/g1/");
    expect(await storage.has("inputs/u1/g1/a.jpg")).toBe(false);
  });

  it("lists every key under a prefix, and nothing once the prefix is deleted", async () => {
    await storage.put("avatars/u2/a1/full.png", Buffer.from("a"));
    await storage.put("avatars/u2/a1/thumb.webp", Buffer.from("b"));
    await storage.put("avatars/u2/a2/full.jpg", Buffer.from("c"));
    await storage.put("avatars/u3/a9/full.png", Buffer.from("other user"));
    expect((await storage.list("avatars/u2/")).sort()).toEqual(["avatars/u2/a1/full.png", "avatars/u2/a1/thumb.webp", "avatars/u2/a2/full.jpg"]);
    expect(await storage.list("avatars/nobody/")).toEqual([]);
    expect(await storage.list("avatars/u2/a1/full.png")).toEqual([]); // a key is not a prefix
    await storage.deletePrefix("avatars/u2/");
    expect(await storage.list("avatars/u2/")).toEqual([]);
    expect(await storage.list("avatars/u3/")).toEqual(["avatars/u3/a9/full.png"]);
    await expect(storage.list("../")).rejects.toThrow(/Unsafe storage key/);
  });

  it("refuses keys that could leave its directory", async () => {
    for (const key of ["../etc/passwd", "inputs/../../x", "/abs", "a//b"]) {
      await expect(storage.has(key)).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.put(key, Buffer.from("x"))).rejects.toThrow(/Unsafe storage key/);
    }
  });
});
