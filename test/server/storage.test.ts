import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "~/server/env";
import { createLocalStorage, createStorage, imageOrigins, type Storage } from "~/server/storage";
import { createS3Storage } from "~/server/storage/s3";
import { startS3Server, type TestS3 } from "../helpers/s3";

/**
 * One contract, every implementation: the local directory and an S3 bucket (a real s3rver),
 * with and without a key prefix. What the app relies on must hold on each.
 */
async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return Buffer.from(await new Response(stream).arrayBuffer()).toString();
}

interface Subject {
  storage: Storage;
  /** Keys as the backend holds them (files, or bucket keys with the prefix). */
  raw(): Promise<string[]>;
}

function contract(name: string, setUp: () => Promise<Subject>, tearDown: () => Promise<void>) {
  describe(name, () => {
    let storage: Storage;
    let raw: () => Promise<string[]>;
    beforeAll(async () => {
      ({ storage, raw } = await setUp());
    });
    afterAll(tearDown);

    it("puts, reads, streams, tells whether a key exists without reading it, and deletes", async () => {
      expect(await storage.has("inputs/u1/g1/a.jpg")).toBe(false);
      expect(await storage.get("inputs/u1/g1/a.jpg")).toBeNull();
      expect(await storage.stream("inputs/u1/g1/a.jpg")).toBeNull();
      await storage.put("inputs/u1/g1/a.jpg", Buffer.from("photo"));
      expect(await storage.has("inputs/u1/g1/a.jpg")).toBe(true);
      expect((await storage.get("inputs/u1/g1/a.jpg"))?.toString()).toBe("photo");
      const stored = await storage.stream("inputs/u1/g1/a.jpg");
      expect(stored?.size).toBe(5);
      expect(await text(stored!.body)).toBe("photo");
      await storage.put("inputs/u1/g1/a.jpg", Buffer.from("replaced"));
      expect((await storage.get("inputs/u1/g1/a.jpg"))?.toString()).toBe("replaced");
      await storage.delete("inputs/u1/g1/a.jpg");
      expect(await storage.has("inputs/u1/g1/a.jpg")).toBe(false);
      await storage.delete("inputs/u1/g1/a.jpg"); // deleting what is gone is fine
    });

    it("keeps binary bytes exactly", async () => {
      const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
      await storage.put("avatars/u9/a1/full.png", bytes);
      expect(Buffer.compare((await storage.get("avatars/u9/a1/full.png"))!, Buffer.from(bytes))).toBe(0);
      const streamed = Buffer.from(await new Response((await storage.stream("avatars/u9/a1/full.png"))!.body).arrayBuffer());
      expect(Buffer.compare(streamed, Buffer.from(bytes))).toBe(0);
    });

    it("lists every key under a prefix, across pages, and nothing once the prefix is deleted", async () => {
      const mine = ["avatars/u2/a1/full.png", "avatars/u2/a1/thumb.webp", "avatars/u2/a2/full.jpg", "avatars/u2/a3/full.png", "avatars/u2/a4/full.png"];
      for (const key of mine) await storage.put(key, Buffer.from(key));
      await storage.put("avatars/u3/a9/full.png", Buffer.from("other user"));
      await storage.put("avatars/u22/a1/full.png", Buffer.from("a user whose id starts like u2's"));
      expect((await storage.list("avatars/u2/")).sort()).toEqual(mine);
      expect((await storage.list("avatars/u2")).sort()).toEqual(mine); // a prefix is a folder
      expect(await storage.list("avatars/nobody/")).toEqual([]);
      expect(await storage.list("avatars/u2/a1/full.png")).toEqual([]); // a key is not a prefix
      await storage.deletePrefix("avatars/u2/");
      expect(await storage.list("avatars/u2/")).toEqual([]);
      expect(await storage.has("avatars/u2/a1/full.png")).toBe(false);
      expect(await storage.list("avatars/u3/")).toEqual(["avatars/u3/a9/full.png"]);
      expect(await storage.list("avatars/u22/")).toEqual(["avatars/u22/a1/full.png"]);
      await storage.deletePrefix("avatars/nobody/"); // nothing there: fine
      await expect(storage.list("../")).rejects.toThrow(/Unsafe storage key/);
    });

    it("refuses keys that could leave its directory or prefix", async () => {
      for (const key of ["../etc/passwd", "inputs/../../x", "/abs", "a//b"]) {
        await expect(storage.has(key)).rejects.toThrow(/Unsafe storage key/);
        await expect(storage.put(key, Buffer.from("x"))).rejects.toThrow(/Unsafe storage key/);
        await expect(storage.deletePrefix(key)).rejects.toThrow(/Unsafe storage key/);
      }
      expect((await raw()).some((k) => k.includes(".."))).toBe(false);
    });
  });
}

let dir: string;
contract(
  "local storage",
  async () => {
    dir = mkdtempSync(path.join(tmpdir(), "storage-test-"));
    const storage = createLocalStorage(dir);
    return { storage, raw: async () => storage.list("avatars") };
  },
  async () => rmSync(dir, { recursive: true, force: true }),
);

for (const prefix of ["", "apps/avatar-studio/"]) {
  let s3: TestS3;
  contract(
    `S3 storage (s3rver${prefix ? `, prefix ${prefix}` : ""})`,
    async () => {
      s3 = await startS3Server({ prefix });
      const e = parseEnv(s3.env);
      // Pages and delete batches of 2 rather than 1000, so the contract's five keys need several.
      const storage = createS3Storage({
        bucket: e.S3_BUCKET!,
        prefix: e.S3_PREFIX,
        region: e.AWS_REGION!,
        endpoint: e.AWS_ENDPOINT_URL_S3,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
        credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID!, secretAccessKey: e.AWS_SECRET_ACCESS_KEY! },
        batchSize: 2,
      });
      return {
        storage,
        raw: async () => {
          const keys = await s3.rawKeys();
          // Everything this app stored sits under its prefix.
          expect(keys.every((k) => k.startsWith(prefix))).toBe(true);
          return keys;
        },
      };
    },
    async () => s3.close(),
  );
}

describe("createStorage", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3Server({ prefix: "p/" });
  });
  afterAll(() => s3.close());

  it("is the local directory without S3_BUCKET, and the bucket (under S3_PREFIX) with it", async () => {
    const local = mkdtempSync(path.join(tmpdir(), "storage-factory-"));
    try {
      expect(createStorage(parseEnv({ STORAGE_DIR: local })).kind).toBe("local");
      const storage = createStorage(parseEnv({ ...s3.env, STORAGE_DIR: local }));
      expect(storage.kind).toBe("s3");
      await storage.put("avatars/u1/a1/thumb.webp", Buffer.from("t"));
      expect(await s3.rawKeys()).toEqual(["p/avatars/u1/a1/thumb.webp"]);
      expect(await s3.keys("avatars/")).toEqual(["avatars/u1/a1/thumb.webp"]);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });
});

describe("object storage configuration", () => {
  const s3Env = { S3_BUCKET: "avatars-prod", AWS_REGION: "eu-west-1" };

  it("reads the bucket settings, with path style off and streaming by default", () => {
    const e = parseEnv({ ...s3Env, S3_FORCE_PATH_STYLE: "true", S3_PREFIX: "avatar-studio/", AWS_ENDPOINT_URL_S3: "http://minio:9000" });
    expect(e).toMatchObject({ S3_BUCKET: "avatars-prod", S3_FORCE_PATH_STYLE: true, S3_PREFIX: "avatar-studio/", AWS_ENDPOINT_URL_S3: "http://minio:9000", IMAGE_DELIVERY: "stream" });
    expect(parseEnv(s3Env).S3_FORCE_PATH_STYLE).toBe(false);
    expect(parseEnv({}).S3_BUCKET).toBeUndefined();
  });

  it.each([
    [{ ...s3Env, S3_FORCE_PATH_STYLE: "yes" }, /S3_FORCE_PATH_STYLE: S3_FORCE_PATH_STYLE must be "true" or "false"/],
    [{ IMAGE_DELIVERY: "redirect" }, /IMAGE_DELIVERY: redirect needs object storage: set S3_BUCKET/],
    [{ ...s3Env, IMAGE_DELIVERY: "cdn" }, /IMAGE_DELIVERY: IMAGE_DELIVERY must be "stream" or "redirect"/],
    [{ S3_BUCKET: "avatars-prod" }, /AWS_REGION: required with S3_BUCKET/],
    [{ ...s3Env, AWS_ACCESS_KEY_ID: "AKIA123" }, /AWS_SECRET_ACCESS_KEY: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together/],
    [{ ...s3Env, AWS_SECRET_ACCESS_KEY: "secret" }, /AWS_ACCESS_KEY_ID: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together/],
    [{ ...s3Env, AWS_ENDPOINT_URL_S3: "minio:9000" }, /AWS_ENDPOINT_URL_S3: an http\(s\) URL/],
    [{ ...s3Env, S3_BUCKET: "My_Bucket" }, /S3_BUCKET: a bucket name/],
    [{ ...s3Env, S3_PREFIX: "../other-app" }, /S3_PREFIX: path segments ending in "\/"/],
  ])("refuses %o with an error naming the problem", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });

  it("lets the bucket's origin into img-src only for redirect delivery, as the SDK addresses it", async () => {
    const keys = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };
    expect(await imageOrigins(parseEnv({ ...s3Env, ...keys }))).toEqual([]);
    expect(await imageOrigins(parseEnv({}))).toEqual([]);
    expect(await imageOrigins(parseEnv({ ...s3Env, ...keys, IMAGE_DELIVERY: "redirect" }))).toEqual(["https://avatars-prod.s3.eu-west-1.amazonaws.com"]);
    expect(
      await imageOrigins(parseEnv({ ...keys, S3_BUCKET: "avatars", AWS_REGION: "auto", AWS_ENDPOINT_URL_S3: "https://acc123.r2.cloudflarestorage.com", IMAGE_DELIVERY: "redirect" })),
    ).toEqual(["https://avatars.acc123.r2.cloudflarestorage.com"]);
    expect(
      await imageOrigins(parseEnv({ ...keys, S3_BUCKET: "avatars", AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_S3: "http://minio.internal:9000", S3_FORCE_PATH_STYLE: "true", IMAGE_DELIVERY: "redirect" })),
    ).toEqual(["http://minio.internal:9000"]);
  });
});
