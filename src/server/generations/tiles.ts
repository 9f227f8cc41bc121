import { and, desc, eq, sql } from "drizzle-orm";
import { markImmutable } from "../api/transformer";
import type { Database, DatabaseHandle } from "../db/client";
import { avatars, generations, projects } from "../db/schema";
import { NotFoundError } from "../errors";
import { afterCursor, cursorTimestamp, decodeCursor, PAGE_DEFAULT, toPage, type Page } from "../pagination";
import { projectVersions } from "./project-versions";
import { likenessView } from "./views";

/**
 * The gallery's tiles (avatar.list): what a tile shows, no storage keys and no generation details
 * (the detail view fetches those with generation.get). A page at a time, newest first
 * (src/server/pagination.ts); each page is cached on its own (project, cursor, limit).
 *
 * Cached per process, and exact across processes: projects.avatars_version is bumped by a trigger
 * in the same transaction as any change to the project's avatars (drizzle/0001). Each request
 * reads the version with the ownership check (one indexed row); the cache answers only for the
 * same user, project and version. A miss reads the version and the tiles in one statement, one
 * snapshot, so a cached list always belongs to the version it is stored under.
 *
 * On the embedded database (watchProjectAvatars) there is no other process, and the database
 * itself says when a project's avatars change or the project goes (drizzle/0002): a cached entry
 * then answers without any query until such a notification arrives.
 */
const CACHE_SIZE = 200;
interface Entry {
  version: number;
  /** The project's change count (watched databases) when the entry was read. */
  changes: number;
  page: Readonly<Page<AvatarTile>>;
}
const cache = new Map<string, Entry>();
/** Per watched database: how many change notifications each project has had in this process. */
const watched = new WeakMap<Database, Map<string, number>>();

export async function listProjectAvatars(
  db: Database,
  userId: string,
  projectId: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<Readonly<Page<AvatarTile>>> {
  const limit = options.limit ?? PAGE_DEFAULT;
  const cursor = options.cursor || null;
  if (cursor) decodeCursor(cursor); // a bad cursor is the caller's mistake, named before any read
  const key = `${userId}\n${projectId}\n${cursor ?? ""}\n${limit}`;
  const changes = watched.get(db);
  const seen = changes?.get(projectId) ?? 0;
  if (changes) {
    // The entry was stored by a read that checked ownership, and nothing has changed since.
    const hit = cache.get(key);
    if (hit?.changes === seen) return touch(key, hit).page;
  } else {
    const project = await projectVersions(db).get(projectId);
    if (project?.userId !== userId) throw new NotFoundError("Project");
    const hit = cache.get(key);
    if (hit?.version === project.version) return touch(key, hit).page;
  }
  const fresh = await loadTiles(db, userId, projectId, cursor, limit);
  if (!fresh) throw new NotFoundError("Project"); // not the caller's, or deleted since the check above
  // `seen` was read before the query: a change during it leaves the entry stale, never wrong.
  touch(key, { ...fresh, changes: seen });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return fresh.page;
}

/** Most recently used last, so the oldest entry is the first to go. */
function touch(key: string, entry: Entry): Entry {
  cache.delete(key);
  cache.set(key, entry);
  return entry;
}

/**
 * For a database this process alone writes to (PGlite, see DatabaseHandle.listen): asks it for a
 * notification on every change to a project's avatars or to the project itself, and lets
 * listProjectAvatars trust its cache until one arrives. Does nothing on a PostgreSQL server.
 */
export async function watchProjectAvatars(handle: DatabaseHandle): Promise<boolean> {
  if (handle.kind !== "pglite" || !handle.listen || watched.has(handle.db)) return watched.has(handle.db);
  const changes = new Map<string, number>();
  await handle.listen("project_avatars", (projectId) => changes.set(projectId, (changes.get(projectId) ?? 0) + 1));
  await handle.db.execute(sql`set avatar_studio.notify_project_avatars = 'on'`);
  watched.set(handle.db, changes);
  return true;
}

/**
 * The version and a page of tiles from one statement (projects left join the page): one
 * snapshot. The page is its own subquery so it walks avatars_project_idx and stops at limit + 1,
 * whatever the project's size; only those rows are joined to their generations.
 */
async function loadTiles(db: Database, userId: string, projectId: string, cursor: string | null, limit: number) {
  const pageRows = db
    .select({
      id: avatars.id,
      cursorAt: cursorTimestamp(avatars.createdAt).as("cursor_at"),
      generationId: avatars.generationId,
      width: avatars.width,
      height: avatars.height,
      engine: avatars.engine,
      model: avatars.model,
      offlinePreview: avatars.offlinePreview,
      likeness: avatars.likeness,
      likenessStatus: avatars.likenessStatus,
      identityPreserving: avatars.identityPreserving,
      createdAt: avatars.createdAt,
    })
    .from(avatars)
    .where(and(eq(avatars.projectId, projectId), eq(avatars.userId, userId), afterCursor(avatars.createdAt, avatars.id, cursor)))
    .orderBy(desc(avatars.createdAt), desc(avatars.id))
    .limit(limit + 1)
    .as("page");
  const rows = await db
    .select({
      version: projects.avatarsVersion,
      id: pageRows.id,
      cursorAt: pageRows.cursorAt,
      generationId: pageRows.generationId,
      batchId: generations.batchId,
      name: sql<string>`${generations.settings}->>'name'`,
      width: pageRows.width,
      height: pageRows.height,
      engine: pageRows.engine,
      model: pageRows.model,
      offlinePreview: pageRows.offlinePreview,
      likeness: pageRows.likeness,
      likenessStatus: pageRows.likenessStatus,
      identityPreserving: pageRows.identityPreserving,
      createdAt: pageRows.createdAt,
    })
    .from(projects)
    .leftJoin(pageRows, sql`true`)
    .leftJoin(generations, eq(generations.id, pageRows.generationId))
    .where(and(eq(projects.id, projectId), eq(projects.userId, userId)))
    .orderBy(desc(pageRows.createdAt), desc(pageRows.id));
  if (rows.length === 0) return null;
  const found = rows.filter((a): a is typeof a & { id: string; cursorAt: string } => a.id !== null);
  const page = toPage(found, limit, (a) =>
    Object.freeze({
      id: a.id,
      generationId: a.generationId!,
      batchId: a.batchId ?? null,
      name: a.name,
      width: a.width!,
      height: a.height!,
      engine: a.engine!,
      model: a.model!,
      offlinePreview: a.offlinePreview!,
      ...likenessView({ likeness: a.likeness, likenessStatus: a.likenessStatus!, identityPreserving: a.identityPreserving! }),
      createdAt: a.createdAt!,
      thumbnailUrl: `/api/images/${a.id}?size=thumb`,
      imageUrl: `/api/images/${a.id}?size=full`,
    }),
  );
  Object.freeze(page.items);
  // Shared by every request that hits the cache: frozen, and serialized once (api/transformer.ts).
  return { version: rows[0]!.version, page: markImmutable(Object.freeze(page)) };
}

/** One generation's avatars as tiles (the REST status answer), owner only. */
export async function listGenerationAvatars(db: Database, userId: string, generationId: string): Promise<AvatarTile[]> {
  const rows = await db
    .select({ avatar: avatars, name: sql<string>`${generations.settings}->>'name'`, batchId: generations.batchId })
    .from(avatars)
    .innerJoin(generations, eq(generations.id, avatars.generationId))
    .where(and(eq(avatars.generationId, generationId), eq(avatars.userId, userId)));
  return rows.map(({ avatar: a, name, batchId }) => ({
    id: a.id,
    generationId: a.generationId,
    batchId,
    name,
    width: a.width,
    height: a.height,
    engine: a.engine,
    model: a.model,
    offlinePreview: a.offlinePreview,
    ...likenessView(a),
    createdAt: a.createdAt,
    thumbnailUrl: `/api/images/${a.id}?size=thumb`,
    imageUrl: `/api/images/${a.id}?size=full`,
  }));
}

export interface AvatarTile {
  id: string;
  generationId: string;
  /** Shared by the avatars of one batch submission (the gallery groups them); null otherwise. */
  batchId: string | null;
  name: string;
  width: number;
  height: number;
  engine: (typeof avatars.$inferSelect)["engine"];
  model: string;
  offlinePreview: boolean;
  likeness: number | null;
  likenessStatus: (typeof avatars.$inferSelect)["likenessStatus"];
  identityPreserving: boolean;
  identityLabel: string | null;
  createdAt: Date;
  thumbnailUrl: string;
  imageUrl: string;
}
