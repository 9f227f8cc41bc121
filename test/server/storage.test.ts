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

  it("refuses keys that could leave its directory", async () => {
    for (const key of ["../etc/passwd", "inputs/../../x", "/abs", "a//b"]) {
      await expect(storage.has(key)).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.put(key, Buffer.from("x"))).rejects.toThrow(/Unsafe storage key/);
    }
  });
});
