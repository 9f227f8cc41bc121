import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "~/server/db/client";
import { connectPgliteThread } from "~/server/db/pglite-thread";
import { user } from "~/server/db/schema";

/**
 * The embedded database in its own thread (src/server/db/pglite-thread.ts), as `npm start` and
 * `npm run dev` open it: what drizzle and the app rely on behaves as on the thread-local PGlite.
 */
const dir = mkdtempSync(path.join(tmpdir(), "pglite-thread-"));
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openDatabase({ pgliteDir: dir, pgliteThread: true });
  await migrateDatabase(handle);
});
afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

const newUser = (id: string) => ({ id, name: id, email: `${id}@example.com`, emailVerified: false, createdAt: new Date(), updatedAt: new Date() });
const userIds = async () => (await handle.db.select({ id: user.id }).from(user)).map((u) => u.id).sort();

describe("PGlite in its own thread", () => {
  it("answers drizzle's queries with the same types: timestamps as Dates, jsonb as objects, nulls, numbers", async () => {
    const result = await handle.db.execute(sql`select '{"a":[1,2]}'::jsonb as doc, null as nothing, 41 + 1 as n`);
    const [row] = (result as unknown as { rows: unknown[] }).rows; // PGlite's result shape, as on its own thread
    expect(row).toMatchObject({ doc: { a: [1, 2] }, nothing: null, n: 42 });
    await handle.db.insert(user).values(newUser("typed"));
    const [saved] = await handle.db.select().from(user).where(eq(user.id, "typed"));
    expect(saved!.createdAt).toBeInstanceOf(Date);
    expect(saved!.emailVerified).toBe(false);
  });

  it("commits a transaction, and rolls one back when its callback throws or calls rollback, nested ones included", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(user).values(newUser("committed"));
      await tx.transaction(async (inner) => {
        await inner.insert(user).values(newUser("inner-committed"));
      });
      await tx
        .transaction(async (inner) => {
          await inner.insert(user).values(newUser("inner-rolled-back"));
          throw new Error("undo the inner one");
        })
        .catch(() => {});
    });
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(user).values(newUser("thrown"));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(user).values(newUser("rolled-back"));
        tx.rollback();
      }),
    ).rejects.toThrow(/rollback/i);
    const ids = await userIds();
    expect(ids).toEqual(expect.arrayContaining(["committed", "inner-committed"]));
    expect(ids).not.toEqual(expect.arrayContaining(["inner-rolled-back"]));
    expect(ids.filter((id) => ["thrown", "rolled-back", "inner-rolled-back"].includes(id))).toEqual([]);
  });

  it("passes PostgreSQL's error fields through (code, constraint), and keeps working after an error", async () => {
    await handle.db.insert(user).values(newUser("twice"));
    const error = await handle.db
      .insert(user)
      .values(newUser("twice"))
      .then(() => null, (e: unknown) => e as { cause?: { code?: string; constraint?: string; message?: string } });
    expect(error?.cause).toMatchObject({ code: "23505", constraint: "user_pkey" });
    expect(error?.cause?.message).toMatch(/duplicate key/);
    expect(await userIds()).toContain("twice");
  });

  it("holds other statements back while a transaction is open, as PGlite's one connection does", async () => {
    let release = () => {};
    let opened = () => {};
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const held = handle.db.transaction(async (tx) => {
      await tx.insert(user).values(newUser("held"));
      opened();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isOpen;
    let answered = false;
    const outside = userIds().then((ids) => ((answered = true), ids));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    release();
    await held;
    expect(await outside).toContain("held"); // it ran after the commit
  });

  it("delivers a notification before the answer to the statement that caused it", async () => {
    const heard: string[] = [];
    await handle.listen!("thread_test", (payload) => heard.push(payload));
    await handle.db.execute(sql`select pg_notify('thread_test', 'first')`);
    expect(heard).toEqual(["first"]);
  });

  it("serves another thread's connection, and rolls back what a connection that goes away left open", async () => {
    const port = handle.connectThread!().port;
    const other = drizzle({ client: connectPgliteThread(port, dir) as unknown as PGlite });
    await other.insert(user).values(newUser("from-the-other-connection"));
    expect(await userIds()).toContain("from-the-other-connection");
    let opened = () => {};
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const abandoned = other.transaction(async (tx) => {
      await tx.insert(user).values(newUser("abandoned"));
      opened();
      await new Promise(() => {}); // its thread ends before it does
    });
    abandoned.catch(() => {});
    await isOpen;
    port.close();
    expect(await userIds()).not.toContain("abandoned"); // answered: the transaction no longer holds the database
    await expect(other.select().from(user)).rejects.toThrow();
  });

  it("refuses a directory it can't open with an error naming it, and leaves the directory unlocked", async () => {
    const bad = mkdtempSync(path.join(tmpdir(), "pglite-thread-bad-"));
    try {
      writeFileSync(path.join(bad, "PG_VERSION"), "99\n"); // another PostgreSQL's data directory
      const crashes: Error[] = [];
      await expect(openDatabase({ pgliteDir: bad, pgliteThread: true, onDatabaseCrash: (e) => crashes.push(e) })).rejects.toThrow(`PGlite did not open ${bad}`);
      expect(existsSync(path.join(bad, "avatar-studio.pid"))).toBe(false); // the lock went with it
      await new Promise((r) => setTimeout(r, 500)); // the thread has exited by now
      expect(crashes).toEqual([]); // reported once, as the failed open, not also as a crash (which exits the server)
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it("keeps what was written after close, and frees the directory for the next open", async () => {
    const other = mkdtempSync(path.join(tmpdir(), "pglite-thread-"));
    try {
      const first = await openDatabase({ pgliteDir: other, pgliteThread: true });
      await migrateDatabase(first);
      await first.db.insert(user).values(newUser("durable"));
      await first.close();
      const afterClose = await first.db.select().from(user).then(() => null, (e: unknown) => e as { cause?: Error });
      expect(afterClose?.cause?.message).toBe(`the embedded database at ${other} is closed`);
      const second = await openDatabase({ pgliteDir: other, pgliteThread: true });
      expect((await second.db.select({ id: user.id }).from(user)).map((u) => u.id)).toEqual(["durable"]);
      await second.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
