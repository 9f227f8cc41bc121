import { randomUUID } from "node:crypto";
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "./db/client";
import { avatars, projects } from "./db/schema";
import { NotFoundError } from "./errors";

export type Project = typeof projects.$inferSelect;
export const PROJECT_NAME_MAX = 100;

export async function createProject(db: Database, userId: string, name: string): Promise<Project> {
  const [row] = await db.insert(projects).values({ id: randomUUID(), userId, name }).returning();
  return row!;
}

export async function listProjects(db: Database, userId: string) {
  return db
    .select({
      id: projects.id,
      name: projects.name,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
      avatarCount: count(avatars.id),
      coverThumbnailKey: sql<string | null>`(array_agg(${avatars.thumbnailKey} order by ${avatars.createdAt} desc))[1]`,
    })
    .from(projects)
    .leftJoin(avatars, eq(avatars.projectId, projects.id))
    .where(eq(projects.userId, userId))
    .groupBy(projects.id)
    .orderBy(desc(projects.createdAt));
}

/** The project if this user owns it; otherwise NotFound, whether it exists or not. */
export async function getOwnedProject(db: Database, userId: string, projectId: string): Promise<Project> {
  const [row] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.userId, userId)));
  if (!row) throw new NotFoundError("Project");
  return row;
}

export async function renameProject(db: Database, userId: string, projectId: string, name: string): Promise<Project> {
  const [row] = await db
    .update(projects)
    .set({ name, updatedAt: new Date() })
    .where(and(eq(projects.id, projectId), eq(projects.userId, userId)))
    .returning();
  if (!row) throw new NotFoundError("Project");
  return row;
}

/** Deletes the project with its generations and avatars (the foreign keys cascade). */
export async function deleteProject(db: Database, userId: string, projectId: string): Promise<void> {
  const deleted = await db
    .delete(projects)
    .where(and(eq(projects.id, projectId), eq(projects.userId, userId)))
    .returning({ id: projects.id });
  if (deleted.length === 0) throw new NotFoundError("Project");
}
