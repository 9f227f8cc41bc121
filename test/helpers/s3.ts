import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "~/server/storage/s3";

/**
 * A real S3-compatible server for one test file: s3rver (in a child process, s3rver-child.mjs says
 * why) on 127.0.0.1 and a free port, with a fresh directory and bucket. `env` is what an app
 * process needs to use it. s3rver knows one key pair (S3RVER/S3RVER); it does not verify SigV4
 * signatures, but does refuse an expired presigned URL.
 */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  env: Record<string, string>;
  /** Keys under a prefix as the app names them (without S3_PREFIX), sorted; every key by default. */
  keys(prefix?: string): Promise<string[]>;
  /** Keys as stored in the bucket (with S3_PREFIX), sorted. */
  rawKeys(): Promise<string[]>;
  /** A client on this server, independent of the app's. */
  client: S3Client;
  close(): Promise<void>;
}

export async function startS3Server(opts: { imageDelivery?: "stream" | "redirect"; prefix?: string } = {}): Promise<TestS3> {
  const directory = mkdtempSync(path.join(tmpdir(), "s3rver-"));
  const bucket = `test-${randomBytes(6).toString("hex")}`;
  const child = spawn(process.execPath, ["--openssl-legacy-provider", path.join(import.meta.dirname, "s3rver-child.mjs")], {
    env: { ...process.env, S3RVER_DIR: directory, S3RVER_BUCKET: bucket, NODE_OPTIONS: "" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const prefix = opts.prefix ?? "";
  const env: Record<string, string> = {
    S3_BUCKET: bucket,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_ENDPOINT_URL_S3: endpoint,
    S3_FORCE_PATH_STYLE: "true",
    IMAGE_DELIVERY: opts.imageDelivery ?? "stream",
    ...(prefix && { S3_PREFIX: prefix }),
  };
  const client = createS3Client({ bucket, region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });

  async function listRaw(under: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ContinuationToken }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys.sort();
  }

  return {
    endpoint,
    bucket,
    env,
    client,
    keys: async (under = "") => (await listRaw(prefix + under)).map((k) => k.slice(prefix.length)),
    rawKeys: () => listRaw(""),
    async close() {
      client.destroy();
      child.kill("SIGTERM");
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
