import Link from "next/link";
import { notFound } from "next/navigation";
import { AppHeader } from "~/components/layout/AppHeader";
import { Studio } from "~/components/studio/Studio";
import { NotFoundError } from "~/server/errors";
import { getOwnedProject } from "~/server/projects";
import { getServices } from "~/server/services";
import { requireUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const user = await requireUser();
  const { projectId } = await params;
  const { db } = await getServices();
  // Someone else's project is a 404, exactly like one that doesn't exist.
  const project = await getOwnedProject(db, user.id, projectId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-8">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
          <Link href="/projects" className="underline">
            Projects
          </Link>{" "}
          / <span aria-current="page">{project.name}</span>
        </nav>
        <h1 className="text-2xl font-semibold">{project.name}</h1>
        <Studio projectId={project.id} />
      </main>
    </>
  );
}
