import { randomBytes } from "node:crypto";
import { access, mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { assertSafeKey, type Storage } from "./contract";

/** A local directory (STORAGE_DIR): the default, for one instance. */
export function createLocalStorage(rootDir: string): Storage {
  const root = path.resolve(rootDir);
  const resolve = (key: string) => {
    assertSafeKey(key.replace(/\/$/, ""));
    return path.join(root, key);
  };
  const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";
  return {
    kind: "local",
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
        if (missing(error)) return null;
        throw error;
      }
    },
    async stream(key) {
      let handle;
      try {
        handle = await open(resolve(key), "r");
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
      // The open handle keeps reading the file even if it is deleted meanwhile; the stream closes it.
      const { size } = await handle.stat();
      return { body: Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>, size };
    },
    async has(key) {
      try {
        await access(resolve(key));
        return true;
      } catch (error) {
        if (missing(error)) return false;
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
        if (missing(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
        throw error;
      }
      // Keys use "/" whatever the platform; a put's temporary file is not an object yet.
      return entries
        .filter((e) => e.isFile() && !e.name.endsWith(".tmp"))
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
    },
  };
}
