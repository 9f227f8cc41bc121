"use client";

import { useState, type FormEvent } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { NEEDS_JAVASCRIPT_ACTION, NeedsJavaScript } from "../ui/NeedsJavaScript";
import { useHydrated } from "../ui/useHydrated";

export function CreateProjectForm() {
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const [name, setName] = useState("");
  const create = api.project.create.useMutation({
    onSuccess: async () => {
      setName("");
      await utils.project.list.invalidate();
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name });
  }

  return (
    <div className="space-y-2">
      <NeedsJavaScript what="Creating a project" />
      <form method="post" action={NEEDS_JAVASCRIPT_ACTION} onSubmit={onSubmit} className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="flex-1">
          <Field
            label="New project"
            name="name"
            placeholder="e.g. LinkedIn headshots"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <Button type="submit" disabled={!hydrated || create.isPending}>
          {create.isPending ? "Creating…" : "Create project"}
        </Button>
      </form>
      {create.error ? <Alert>{create.error.message}</Alert> : null}
    </div>
  );
}
