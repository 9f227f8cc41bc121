import { asc, eq } from "drizzle-orm";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { getBalance } from "../credits";
import type { Database } from "../db/client";
import { avatars, creditLedger, generations, projects, user } from "../db/schema";
import type { GenerationSettings } from "../generations/settings";
import { settingsView } from "../generations/views";
import type { Storage } from "../storage";

/**
 * "Download my data": one ZIP, streamed a file at a time (a large gallery never sits in memory):
 *   account.json         the account and its balance
 *   projects.json        every project with its generations (settings, status, timings, engine,
 *                        likeness of each avatar, and the avatar's file in the archive)
 *   credit-ledger.json   every ledger entry, oldest first
 *   avatars/<project>/<avatar id>.<ext>   every avatar, full size
 */
interface ExportFile {
  name: string;
  data: Uint8Array;
  /** Images are compressed already: stored as they are. */
  compress: boolean;
}

export function exportStream(deps: { db: Database; storage: Storage }, userId: string): ReadableStream<Uint8Array> {
  const files = exportFiles(deps, userId);
  let zip: Zip;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error);
        controller.enqueue(chunk);
        if (final) controller.close();
      });
    },
    // One file per pull: the stream reads the next avatar only when the reader wants more.
    async pull() {
      const next = await files.next();
      if (next.done) return zip.end();
      const entry = next.value.compress ? new ZipDeflate(next.value.name, { level: 6 }) : new ZipPassThrough(next.value.name);
      zip.add(entry);
      entry.push(next.value.data, true);
    },
    async cancel() {
      await files.return(undefined);
    },
  });
}

const json = (name: string, value: unknown): ExportFile => ({ name, data: new TextEncoder().encode(JSON.stringify(value, null, 2)), compress: true });

/** A folder name from the project's name (and its id, so two "Headshots" don't collide). */
const folder = (p: { id: string; name: string }) => `${p.name.replace(/[^\p{L}\p{N} _-]+/gu, "").trim().slice(0, 60) || "project"}-${p.id.slice(0, 8)}`;

async function* exportFiles(deps: { db: Database; storage: Storage }, userId: string): AsyncGenerator<ExportFile> {
  const [me] = await deps.db.select().from(user).where(eq(user.id, userId));
  if (!me) return;
  yield json("account.json", {
    email: me.email,
    name: me.name,
    plan: me.plan,
    emailVerified: me.emailVerified,
    createdAt: me.createdAt,
    balance: await getBalance(deps.db, userId),
    exportedAt: new Date(),
  });

  const [projectRows, generationRows, avatarRows] = await Promise.all([
    deps.db.select().from(projects).where(eq(projects.userId, userId)).orderBy(asc(projects.createdAt)),
    deps.db.select().from(generations).where(eq(generations.userId, userId)).orderBy(asc(generations.createdAt)),
    deps.db.select().from(avatars).where(eq(avatars.userId, userId)).orderBy(asc(avatars.createdAt)),
  ]);
  const fileOf = new Map<string, string>();
  for (const a of avatarRows) {
    const project = projectRows.find((p) => p.id === a.projectId);
    fileOf.set(a.id, `avatars/${project ? folder(project) : "project"}/${a.id}.${a.imageKey.slice(a.imageKey.lastIndexOf(".") + 1)}`);
  }
  yield json(
    "projects.json",
    projectRows.map((p) => ({
      id: p.id,
      name: p.name,
      createdAt: p.createdAt,
      generations: generationRows
        .filter((g) => g.projectId === p.id)
        .map((g) => {
          const s = g.settings as unknown as GenerationSettings;
          return {
            id: g.id,
            name: s.name,
            tier: g.tier,
            status: g.status,
            settings: settingsView(s),
            creditCost: g.creditCost,
            refundedCredits: g.refundedCredits,
            engine: g.engine,
            errorMessage: g.errorMessage,
            warnings: g.warnings,
            attempts: g.attempts,
            stepTimings: g.stepTimings,
            createdAt: g.createdAt,
            startedAt: g.startedAt,
            completedAt: g.completedAt,
            durationMs: g.completedAt ? g.completedAt.getTime() - g.createdAt.getTime() : null,
            avatars: avatarRows
              .filter((a) => a.generationId === g.id)
              .map((a) => ({
                id: a.id,
                file: fileOf.get(a.id),
                width: a.width,
                height: a.height,
                engine: a.engine,
                model: a.model,
                offlinePreview: a.offlinePreview,
                identityPreserving: a.identityPreserving,
                likeness: a.likeness,
                likenessStatus: a.likenessStatus,
                createdAt: a.createdAt,
              })),
          };
        }),
    })),
  );
  const ledger = await deps.db.select().from(creditLedger).where(eq(creditLedger.userId, userId)).orderBy(asc(creditLedger.id));
  yield json(
    "credit-ledger.json",
    ledger.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, balanceAfter: e.balanceAfter, description: e.description, createdAt: e.createdAt })),
  );
  for (const a of avatarRows) {
    const bytes = await deps.storage.get(a.imageKey);
    if (bytes) yield { name: fileOf.get(a.id)!, data: new Uint8Array(bytes), compress: false };
  }
}

/** The download for its owner only: anyone signed out gets 401, and nothing is read. */
export function exportResponse(deps: { db: Database; storage: Storage }, userId: string | null, now = new Date()): Response {
  if (!userId) return Response.json({ error: "Please sign in to download your data." }, { status: 401, headers: { "cache-control": "no-store" } });
  return new Response(exportStream(deps, userId), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="avatar-studio-export-${now.toISOString().slice(0, 10)}.zip"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
