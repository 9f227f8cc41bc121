/**
 * Where bytes live: a small interface with two implementations, a local directory (local.ts, the
 * default) and an S3-compatible bucket (s3.ts, with S3_BUCKET). Keys are made by storageKeys
 * (index.ts), never taken from users.
 */
export interface Storage {
  /** "local" or "s3": for logs and for what only one of them can do (presigned URLs). */
  readonly kind: "local" | "s3";
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when the key does not exist. */
  get(key: string): Promise<Buffer | null>;
  /** The bytes as a stream (nothing held whole in memory), or null when the key does not exist. */
  stream(key: string): Promise<StoredStream | null>;
  /** Whether the key exists, without reading it. */
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Removes everything under a prefix ("inputs/u1/g1/"). */
  deletePrefix(prefix: string): Promise<void>;
  /** Every key under a prefix ("avatars/u1/"), in no particular order; [] when there is none. */
  list(prefix: string): Promise<string[]>;
  /**
   * Object storage only: a URL anyone holding it may GET the object from, until it expires
   * (IMAGE_DELIVERY=redirect). The response headers are set by the URL itself.
   */
  signedUrl?(key: string, options: SignedUrlOptions): Promise<string>;
}

export interface StoredStream {
  body: ReadableStream<Uint8Array>;
  /** Bytes, when known. */
  size?: number;
}

export interface SignedUrlOptions {
  contentType: string;
  contentDisposition: string;
  cacheControl: string;
}

const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Refuses a key that could leave its directory or prefix ("..", absolute paths, empty parts). */
export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
  }
}
