import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { assertSafeKey, type Storage } from "./contract";

/**
 * An S3-compatible bucket (S3_BUCKET): AWS S3, Cloudflare R2, MinIO, s3rver in the tests. The one
 * module that talks to object storage; everything else sees the Storage interface.
 */
export interface S3StorageConfig {
  bucket: string;
  /** Prepended to every key ("avatar-studio/"), so one bucket can hold several apps. */
  prefix?: string;
  region: string;
  /** Another S3-compatible server (AWS_ENDPOINT_URL_S3). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (instance role, AWS_PROFILE, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Keys per ListObjectsV2 page and per DeleteObjects call: S3's limit, 1000 (tests use less to page). */
  batchSize?: number;
}

/** A presigned URL stays the same for this long, so the browser's cache can hit it again… */
const SIGNING_WINDOW_S = 5 * 60;
/** …and is valid this long after its signing time: 5 to 10 minutes from when it is handed out. */
const SIGNED_URL_EXPIRES_S = 2 * SIGNING_WINDOW_S;

export function createS3Client(config: S3StorageConfig): S3Client {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle ?? false,
    credentials: config.credentials,
    // Checksums only where the API demands them: S3-compatible servers (s3rver, older MinIO, R2
    // for some operations) refuse or mishandle the SDK's default CRC32 trailers on every upload.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  // DeleteObjects must carry Content-MD5 per the S3 API reference; AWS also takes the SDK's CRC32,
  // but older MinIO, Ceph and others insist on the MD5, so it is always sent.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === "DeleteObjectsCommand" && request.headers && typeof request.body === "string") {
        request.headers["content-md5"] = createHash("md5").update(request.body).digest("base64");
      }
      return next(args);
    },
    { step: "build", name: "deleteObjectsContentMd5" },
  );
  return client;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

export function createS3Storage(config: S3StorageConfig, client: S3Client = createS3Client(config)): Storage {
  const Bucket = config.bucket;
  const prefix = config.prefix ?? "";
  const batchSize = config.batchSize ?? 1000;
  const objectKey = (key: string) => {
    assertSafeKey(key);
    return prefix + key;
  };
  // A prefix is a folder, as on disk: "avatars/u1/a1/full.png" is not the prefix of itself.
  const folder = (p: string) => {
    const trimmed = p.replace(/\/$/, "");
    assertSafeKey(trimmed);
    return `${prefix}${trimmed}/`;
  };

  async function list(p: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: folder(p), ContinuationToken, MaxKeys: batchSize }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(prefix.length));
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  }

  return {
    kind: "s3",
    async put(key, bytes) {
      // One PUT is atomic: a reader sees the old object or the new one, never half.
      await client.send(new PutObjectCommand({ Bucket, Key: objectKey(key), Body: bytes, ContentLength: bytes.byteLength }));
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async stream(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        return { body: res.Body!.transformToWebStream() as ReadableStream<Uint8Array>, size: res.ContentLength };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async has(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    async deletePrefix(p) {
      // Listed first, then deleted 1000 at a time (DeleteObjects' limit); the list holds keys of
      // a user or a generation, never the whole bucket.
      const keys = await list(p);
      for (let i = 0; i < keys.length; i += batchSize) {
        const batch = keys.slice(i, i + batchSize);
        const res = await client.send(
          new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((k) => ({ Key: prefix + k })), Quiet: true } }),
        );
        const failed = res.Errors ?? [];
        if (failed.length) {
          throw new Error(`Could not delete ${failed.length} object(s) under ${p}: ${failed.slice(0, 3).map((f) => `${f.Key} (${f.Code})`).join(", ")}`);
        }
      }
    },
    list,
    async signedUrl(key, options) {
      // Signed at the start of the current window: the same URL for every request in it, so the
      // browser can reuse the image it fetched (a fresh URL each time would never hit its cache).
      const signingDate = new Date(Math.floor(Date.now() / 1000 / SIGNING_WINDOW_S) * SIGNING_WINDOW_S * 1000);
      const command = new GetObjectCommand({
        Bucket,
        Key: objectKey(key),
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.contentDisposition,
        ResponseCacheControl: options.cacheControl,
      });
      return getSignedUrl(client, command, { expiresIn: SIGNED_URL_EXPIRES_S, signingDate });
    },
  };
}
