"use client";

import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { ProjectCard } from "./ProjectCard";

export function ProjectList() {
  const projects = api.project.list.useQuery();
  if (projects.isPending) return <p className="text-sm text-slate-500">Loading projects…</p>;
  if (projects.error) return <Alert>{projects.error.message}</Alert>;
  if (projects.data.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">No projects yet. Create one to start.</p>;
  }
  return (
    <ul className="space-y-3" aria-label="Projects">
      {projects.data.map((p) => (
        <ProjectCard key={p.id} project={p} />
      ))}
    </ul>
  );
}
