"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { Select } from "../ui/Select";
import { when } from "./format";
import { GenerationTimeline } from "./GenerationTimeline";

const any = { value: "", label: "Any" };
const STATUSES = [any, ...["queued", "processing", "succeeded", "failed"].map((v) => ({ value: v, label: v }))];
const ENGINES = [any, ...["photomaker", "flux", "offline"].map((v) => ({ value: v, label: v }))];
const TIERS = [any, ...["basic", "pro", "enterprise"].map((v) => ({ value: v, label: v }))];

type Filters = { status: string; engine: string; tier: string; user: string; olderThan: string; failedNotRefunded: boolean };

/** Generations across users, filtered as the filters change, and one opened in full. */
export function GenerationsPanel({ selected, onSelect }: { selected: string | null; onSelect: (id: string | null) => void }) {
  const [f, setF] = useState<Filters>({ status: "", engine: "", tier: "", user: "", olderThan: "", failedNotRefunded: false });
  const set = (patch: Partial<Filters>) => setF((old) => ({ ...old, ...patch }));
  const minutes = f.olderThan.trim() === "" ? undefined : Math.max(0, Math.floor(Number(f.olderThan)));
  const list = api.admin.generations.useQuery(
    {
      status: (f.status || undefined) as "queued" | undefined,
      engine: (f.engine || undefined) as "offline" | undefined,
      tier: (f.tier || undefined) as "basic" | undefined,
      user: f.user.trim() || undefined,
      olderThanMinutes: Number.isFinite(minutes) ? minutes : undefined,
      failedNotRefunded: f.failedNotRefunded || undefined,
    },
    { refetchInterval: 5_000 },
  );

  return (
    <section aria-labelledby="generations-title" className="space-y-4">
      <h2 id="generations-title" className="text-lg font-semibold">
        Generations
      </h2>
      <form method="post" onSubmit={(e) => e.preventDefault()} className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter generations">
        <Select label="Status" options={STATUSES} value={f.status} onChange={(e) => set({ status: e.target.value })} />
        <Select label="Engine" options={ENGINES} value={f.engine} onChange={(e) => set({ engine: e.target.value })} />
        <Select label="Tier" options={TIERS} value={f.tier} onChange={(e) => set({ tier: e.target.value })} />
        <Field label="User (email or id)" value={f.user} onChange={(e) => set({ user: e.target.value })} maxLength={320} />
        <Field label="Older than (minutes)" type="number" min={0} value={f.olderThan} onChange={(e) => set({ olderThan: e.target.value })} />
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input type="checkbox" checked={f.failedNotRefunded} onChange={(e) => set({ failedNotRefunded: e.target.checked })} />
          Failed and not refunded
        </label>
      </form>
      {f.failedNotRefunded && list.data?.length === 0 ? (
        <Alert tone="success">None: every failed generation was refunded.</Alert>
      ) : null}
      {list.error ? <Alert>{list.error.message}</Alert> : null}
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Generations, newest first</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">Submitted</th>
              <th scope="col" className="px-3 py-2 font-medium">User</th>
              <th scope="col" className="px-3 py-2 font-medium">Name</th>
              <th scope="col" className="px-3 py-2 font-medium">Tier</th>
              <th scope="col" className="px-3 py-2 font-medium">Status</th>
              <th scope="col" className="px-3 py-2 font-medium">Engine</th>
              <th scope="col" className="px-3 py-2 font-medium">Age</th>
              <th scope="col" className="px-3 py-2"><span className="sr-only">Open</span></th>
            </tr>
          </thead>
          <tbody>
            {list.data?.map((g) => (
              <tr key={g.id} className={`border-t border-slate-100 ${selected === g.id ? "bg-brand-50" : ""}`} data-testid="admin-generation-row" data-status={g.status}>
                <td className="px-3 py-2 text-xs">{when(g.createdAt)}</td>
                <td className="px-3 py-2 break-all text-xs">{g.email}</td>
                <td className="px-3 py-2">{g.name}</td>
                <td className="px-3 py-2 text-xs">{g.tier}</td>
                <td className="px-3 py-2">
                  <Badge tone={g.status === "failed" ? "danger" : g.status === "succeeded" ? "success" : "info"}>{g.stage}</Badge>
                  {g.errorCode ? <span className="ml-1 text-xs text-slate-500">{g.errorCode}</span> : null}
                </td>
                <td className="px-3 py-2 text-xs">{g.engine ?? "—"}</td>
                <td className="px-3 py-2 text-xs tabular-nums">{g.status === "queued" || g.status === "processing" ? `${g.ageMinutes} min` : "—"}</td>
                <td className="px-3 py-2">
                  <Button variant="secondary" onClick={() => onSelect(g.id)} aria-label={`Open ${g.name} of ${g.email}`}>
                    Open
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.length === 0 && !f.failedNotRefunded ? <p className="p-4 text-sm text-slate-500">No generation matches.</p> : null}
      </div>
      {selected ? <GenerationTimeline generationId={selected} onClose={() => onSelect(null)} /> : null}
    </section>
  );
}
