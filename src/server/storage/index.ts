import { randomBytes } from "node:crypto";
import type { Env } from "../env";
import type { Storage } from "./contract";
import { createLocalStorage } from "./local";
import { createS3Storage } from "./s3";

export type { SignedUrlOptions, Storage, StoredStream } from "./contract";
export { createLocalStorage } from "./local";

type StorageEnv = Pick<
  Env,
  "STORAGE_DIR" | "S3_BUCKET" | "S3_PREFIX" | "S3_FORCE_PATH_STYLE" | "AWS_REGION" | "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" | "AWS_ENDPOINT_URL_S3"
>;

/** The bucket when S3_BUCKET is set (src/server/storage/s3.ts), else the local directory STORAGE_DIR. */
export function createStorage(e: StorageEnv): Storage {
  if (!e.S3_BUCKET) return createLocalStorage(e.STORAGE_DIR);
  return createS3Storage({
    bucket: e.S3_BUCKET,
    prefix: e.S3_PREFIX,
    // env.ts refuses S3_BUCKET without a region, and one of the two keys without the other.
    region: e.AWS_REGION!,
    endpoint: e.AWS_ENDPOINT_URL_S3,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    credentials: e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY } : undefined,
  });
}

/**
 * Where the browser loads images from besides this server: the bucket's origin with
 * IMAGE_DELIVERY=redirect (for the CSP's img-src), found by signing a URL (no request is sent),
 * so virtual-hosted and path-style buckets and custom endpoints all come out right.
 */
export async function imageOrigins(e: StorageEnv & Pick<Env, "IMAGE_DELIVERY">): Promise<string[]> {
  if (e.IMAGE_DELIVERY !== "redirect") return [];
  const storage = createStorage(e);
  if (!storage.signedUrl) return [];
  const url = await storage.signedUrl("avatars/origin/probe.webp", { contentType: "image/webp", contentDisposition: "inline", cacheControl: "private" });
  return [new URL(url).origin];
}

/** Random file names under a per-user, per-generation folder: never a user-chosen path. */
export const storageKeys = {
  inputsOf: (userId: string, generationId: string) => `inputs/${userId}/${generationId}/`,
  input: (userId: string, generationId: string) =>
    `inputs/${userId}/${generationId}/${randomBytes(12).toString("hex")}.jpg`,
  /** An engine's raw output, kept between the generate and save steps. */
  result: (userId: string, generationId: string, label: string) => `work/${userId}/${generationId}/${label}.bin`,
  workOf: (userId: string, generationId: string) => `work/${userId}/${generationId}/`,
  avatarFull: (userId: string, avatarId: string, ext: string) => `avatars/${userId}/${avatarId}/full.${ext}`,
  avatarThumb: (userId: string, avatarId: string) => `avatars/${userId}/${avatarId}/thumb.webp`,
  /** Every prefix a user's objects live under: deleting these deletes all of them (account deletion). */
  userPrefixes: (userId: string) => [`inputs/${userId}/`, `work/${userId}/`, `avatars/${userId}/`],
};
