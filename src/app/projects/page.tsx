import { AppHeader } from "~/components/layout/AppHeader";
import { CreateProjectForm } from "~/components/projects/CreateProjectForm";
import { ProjectList } from "~/components/projects/ProjectList";
import { requireUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function ProjectsPage() {
  const user = await requireUser();
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-5xl space-y-6 px-4 py-8">
        <h1 className="text-2xl font-semibold">Your projects</h1>
        <CreateProjectForm />
        <ProjectList />
      </main>
    </>
  );
}
