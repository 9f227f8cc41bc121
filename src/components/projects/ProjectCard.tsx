"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { NEEDS_JAVASCRIPT_ACTION, NeedsJavaScript } from "../ui/NeedsJavaScript";
import { useHydrated } from "../ui/useHydrated";

interface Props {
  project: { id: string; name: string; avatarCount: number; createdAt: Date; coverThumbnailKey?: string | null };
}

/** The newest avatar's thumbnail, through the owner-only image route (the key names the avatar). */
function coverUrl(key: string | null | undefined): string | null {
  const id = /^avatars\/[^/]+\/([^/]+)\/thumb\.[a-z]+$/.exec(key ?? "")?.[1];
  return id ? `/api/images/${encodeURIComponent(id)}?size=thumb` : null;
}

/** One project with inline rename and a delete that asks first. */
export function ProjectCard({ project }: Props) {
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const [mode, setMode] = useState<"view" | "rename" | "confirm-delete">("view");
  const [name, setName] = useState(project.name);
  const refresh = () => utils.project.list.invalidate();
  const rename = api.project.rename.useMutation({ onSuccess: async () => (await refresh(), setMode("view")) });
  const remove = api.project.delete.useMutation({ onSuccess: refresh });
  const error = rename.error?.message ?? remove.error?.message;

  return (
    <li className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" data-testid="project-card">
      {mode === "rename" ? (
        <form
          method="post"
          action={NEEDS_JAVASCRIPT_ACTION}
          className="flex flex-col gap-2 sm:flex-row"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate({ id: project.id, name });
          }}
        >
          <label className="sr-only" htmlFor={`rename-${project.id}`}>
            Project name
          </label>
          <input
            id={`rename-${project.id}`}
            className="flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            autoFocus
          />
          <Button type="submit" disabled={!hydrated || rename.isPending}>Save</Button>
          <Button type="button" variant="ghost" onClick={() => setMode("view")}>Cancel</Button>
        </form>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Link href={`/projects/${project.id}`} className="flex min-w-0 items-center gap-3 rounded-md focus-visible:outline-2 focus-visible:outline-brand-600" aria-label={`Open ${project.name}`}>
            {coverUrl(project.coverThumbnailKey) ? (
              // eslint-disable-next-line @next/next/no-img-element -- owner-only route
              <img src={coverUrl(project.coverThumbnailKey)!} alt="" width={56} height={56} loading="lazy" className="h-14 w-14 shrink-0 rounded-md object-cover" data-testid="project-cover" />
            ) : (
              <span aria-hidden="true" className="flex h-14 w-14 shrink-0 items-center justify-center rounded-md bg-slate-100 text-xl text-slate-400">☺</span>
            )}
          <div className="min-w-0">
            <h2 className="truncate font-medium text-brand-700 underline-offset-2 hover:underline">{project.name}</h2>
            <p className="text-xs text-slate-500">
              {project.avatarCount} {project.avatarCount === 1 ? "avatar" : "avatars"} · created{" "}
              {project.createdAt.toLocaleDateString()}
            </p>
          </div>
          </Link>
          {mode === "confirm-delete" ? (
            <div className="flex items-center gap-2" role="group" aria-label={`Confirm deleting ${project.name}`}>
              <span className="text-sm text-slate-700">Delete it and all its avatars?</span>
              <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: project.id })}>
                Yes, delete
              </Button>
              <Button variant="ghost" onClick={() => setMode("view")}>Keep it</Button>
            </div>
          ) : (
            <div className="flex gap-2">
              <Button variant="secondary" onClick={() => setMode("rename")} aria-label={`Rename ${project.name}`}>
                Rename
              </Button>
              <Button variant="ghost" onClick={() => setMode("confirm-delete")} aria-label={`Delete ${project.name}`}>
                Delete
              </Button>
            </div>
          )}
        </div>
      )}
      {error ? <div className="mt-2"><Alert>{error}</Alert></div> : null}
    </li>
  );
}
