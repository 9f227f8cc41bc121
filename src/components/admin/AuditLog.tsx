"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { Select } from "../ui/Select";
import { change, when } from "./format";

const ACTIONS = [
  { value: "", label: "Any" },
  ...["plan.set", "credits.grant", "credits.take", "generation.cancel", "generation.redrive", "generation.refund"].map((a) => ({ value: a, label: a })),
];

/** Every operator action, newest first, filterable. */
export function AuditLog() {
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [userId, setUserId] = useState("");
  const [generationId, setGenerationId] = useState("");
  const audit = api.admin.audit.useInfiniteQuery(
    {
      action: (action || undefined) as "plan.set" | undefined,
      actor: actor.trim() || undefined,
      userId: userId.trim() || undefined,
      generationId: generationId.trim() || undefined,
    },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const pages = audit.data?.pages ?? [];
  const entries = pages.flatMap((p) => p.entries.map((e) => ({ ...e, who: p.actors[e.actor] ?? e.actor })));

  return (
    <section aria-labelledby="audit-title" className="space-y-4">
      <h2 id="audit-title" className="text-lg font-semibold">
        Audit
      </h2>
      <form method="post" onSubmit={(e) => e.preventDefault()} className="grid gap-3 sm:grid-cols-4" aria-label="Filter the audit">
        <Select label="Action" options={ACTIONS} value={action} onChange={(e) => setAction(e.target.value)} />
        <Field label="Who (admin email or cli:user)" value={actor} onChange={(e) => setActor(e.target.value)} maxLength={200} />
        <Field label="User id" value={userId} onChange={(e) => setUserId(e.target.value)} maxLength={100} />
        <Field label="Generation id" value={generationId} onChange={(e) => setGenerationId(e.target.value)} maxLength={100} />
      </form>
      {audit.error ? <Alert>{audit.error.message}</Alert> : null}
      <ol className="divide-y divide-slate-200 rounded-lg bg-white text-sm ring-1 ring-slate-200" aria-label="Audit entries, newest first">
        {entries.map((e) => (
          <li key={e.id} className="space-y-1 px-4 py-2" data-testid="audit-entry" data-action={e.action}>
            <p>
              <span className="font-medium">{e.action}</span> by <span data-testid="audit-actor">{e.who}</span> · {when(e.createdAt)}
            </p>
            <p className="text-slate-700">“{e.reason}”</p>
            <p className="text-xs text-slate-500 break-all">
              {e.targetUserId ? `user ${e.targetUserId}` : ""} {e.targetGenerationId ? `· generation ${e.targetGenerationId}` : ""} · {change(e.before, e.after)}
            </p>
          </li>
        ))}
      </ol>
      {entries.length === 0 && !audit.isPending ? <p className="text-sm text-slate-500">No entries match.</p> : null}
      {audit.hasNextPage ? (
        <Button variant="secondary" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          Load older entries
        </Button>
      ) : null}
    </section>
  );
}
