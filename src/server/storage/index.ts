import { randomBytes } from "node:crypto";
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Where bytes live: a small interface so object storage can replace the local directory later.
 * Keys are made by the code below, never taken from users.
 */
export interface Storage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when the key does not exist. */
  get(key: string): Promise<Buffer | null>;
  /** Whether the key exists, without reading it. */
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Removes everything under a prefix ("inputs/u1/g1/"). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Every key under a prefix ("avatars/u1/"), in no particular order; [] when there is none.
   * (Object storage: ListObjectsV2 with the prefix; deletePrefix is then this plus DeleteObjects.)
   */
  list(prefix: string): Promise<string[]>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
  }
}

export function createLocalStorage(rootDir: string): Storage {
  const root = path.resolve(rootDir);
  const resolve = (key: string) => {
    assertSafeKey(key.replace(/\/$/, ""));
    return path.join(root, key);
  };
  return {
    async put(key, bytes) {
      const file = resolve(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename: a reader never sees half a file, even if the process dies mid-write.
      const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, file);
    },
    async get(key) {
      try {
        return await readFile(resolve(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async has(key) {
      try {
        await access(resolve(key));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    },
    async delete(key) {
      await rm(resolve(key), { force: true });
    },
    async deletePrefix(prefix) {
      await rm(resolve(prefix), { recursive: true, force: true });
    },
    async list(prefix) {
      const dir = resolve(prefix);
      let entries;
      try {
        entries = await readdir(dir, { recursive: true, withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
        throw error;
      }
      // Keys use "/" whatever the platform; a put's temporary file is not an object yet.
      return entries
        .filter((e) => e.isFile() && !e.name.endsWith(".tmp"))
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
    },
  };
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
