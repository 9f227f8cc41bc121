import { sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { BadInputError } from "./errors";

/**
 * Keyset pages, newest first, for avatar.list and generation.list: the cursor is the last row's
 * (created_at, id), opaque to callers (base64url). Its timestamp is PostgreSQL's own text form,
 * to the microsecond: a JavaScript Date keeps only milliseconds, and rows between the two would be
 * skipped. Each list has an index on (project_id, created_at, id) that the comparison walks.
 */

export const PAGE_DEFAULT = 48;
export const PAGE_MAX = 100;

export const pageInput = {
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(PAGE_MAX).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface Position {
  createdAt: string;
  id: string;
}

/** A timestamptz as PostgreSQL prints it ("2026-12-02 11:51:17.123456+00"). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString("base64url");
}

/** The cursor a caller sent back, or a BadInputError naming it (never a database error). */
export function decodeCursor(cursor: string): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== "string" ||
    typeof parsed[1] !== "string" ||
    !TIMESTAMP.test(parsed[0]) ||
    Number.isNaN(Date.parse(parsed[0].replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"))) ||
    parsed[1].length === 0 ||
    parsed[1].length > 100
  ) {
    throw new BadInputError("cursor: This isn't a cursor from the previous page; start again without one.", "cursor");
  }
  return { createdAt: parsed[0], id: parsed[1] };
}

/** `(created_at, id) < cursor` (the rows after the cursor, newest first), or true without one. */
export function afterCursor(createdAt: PgColumn, id: PgColumn, cursor: string | null | undefined): SQL {
  if (!cursor) return sql`true`;
  const at = decodeCursor(cursor);
  return sql`(${createdAt}, ${id}) < (${at.createdAt}::timestamptz, ${at.id})`;
}

/** created_at in PostgreSQL's text form, for the next cursor. */
export function cursorTimestamp(createdAt: PgColumn): SQL<string> {
  return sql<string>`${createdAt}::text`;
}

/** Rows read with limit + 1: the page, and the cursor after it when there is more. */
export function toPage<T, R extends { cursorAt: string; id: string }>(rows: R[], limit: number, item: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(item),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.id }) : null,
  };
}
