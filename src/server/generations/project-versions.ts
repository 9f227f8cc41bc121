import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { projects } from "../db/schema";

/**
 * Each project's owner and avatars version, for avatar.list's cache check (tiles.ts) on a database
 * other processes write to. Requests that arrive while a read is running share the next one: one
 * statement for all of their projects, started after every one of them arrived. So no request is
 * answered from a snapshot older than itself (exact, as one statement per request would be), and a
 * busy server runs one small statement per round trip instead of one per request.
 */
export interface ProjectVersion {
  userId: string;
  version: number;
}

type Read = (projectIds: string[]) => Promise<Array<ProjectVersion & { id: string }>>;
interface Waiter {
  resolve(found: ProjectVersion | undefined): void;
  reject(error: unknown): void;
}

export class ProjectVersionReader {
  private running = false;
  private waiting = new Map<string, Waiter[]>();

  constructor(private readonly read: Read) {}

  /** The project's owner and version as committed when this call was made, or later; undefined if there is no such project. */
  get(projectId: string): Promise<ProjectVersion | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(projectId);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(projectId, [{ resolve, reject }]);
      if (!this.running) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.running = true;
    try {
      const rows = await this.read([...batch.keys()]);
      const byId = new Map(rows.map((r) => [r.id, { userId: r.userId, version: r.version }]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(byId.get(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    } finally {
      this.running = false;
      // Whoever arrived during that read waits for a read that starts now.
      if (this.waiting.size > 0) void this.flush();
    }
  }
}

const readers = new WeakMap<Database, ProjectVersionReader>();

/** One reader per database, reading with one prepared statement. */
export function projectVersions(db: Database): ProjectVersionReader {
  let reader = readers.get(db);
  if (!reader) {
    const query = db
      .select({ id: projects.id, userId: projects.userId, version: projects.avatarsVersion })
      .from(projects)
      .where(sql`${projects.id} = any(${sql.placeholder("ids")}::text[])`)
      .prepare("project_avatars_versions");
    readers.set(db, (reader = new ProjectVersionReader((ids) => query.execute({ ids }))));
  }
  return reader;
}
