"use client";

import type { RouterOutputs } from "~/trpc/types";
import { formatDuration } from "../generations/stage";
import { tierLabel } from "../studio/TierPicker";
import { Alert } from "../ui/Alert";
import { FaceMetricsPanel } from "./FaceMetricsPanel";

type Metrics = RouterOutputs["metrics"]["mine"];

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="rounded-md bg-white p-3 ring-1 ring-slate-200">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-testid={`stat-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`}>
        {value}
      </dd>
      {note ? <dd className="text-xs text-slate-500">{note}</dd> : null}
    </div>
  );
}

/** One scope's numbers: rates as shares of finished generations. */
export function MetricsPanel({
  title,
  testId,
  query,
  showUsers,
}: {
  title: string;
  testId: string;
  query: { data?: Metrics | undefined; error: { message: string } | null; isPending: boolean };
  showUsers?: boolean;
}) {
  const m = query.data;
  const maxPhotos = Math.max(1, ...(m?.photoCounts.map((p) => p.generations) ?? [1]));
  return (
    <section aria-labelledby={`${testId}-title`} className="space-y-4" data-testid={testId}>
      <h2 id={`${testId}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {query.error ? <Alert>{query.error.message}</Alert> : null}
      {query.isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {m ? (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Generations" value={String(m.total)} note={`${m.succeeded} done · ${m.failed} failed · ${m.inFlight} running`} />
            <Stat label="Success rate" value={percent(m.successRate)} note={`of ${m.finished} finished`} />
            <Stat label="Refund rate" value={percent(m.refunds.rate)} note={`${m.refunds.credits} credits returned`} />
            <Stat label="FLUX stood in" value={percent(m.fluxStoodIn.rate)} note={`${m.fluxStoodIn.generations} generations`} />
            <Stat label="Model was loading" value={percent(m.modelLoading.rate)} note={`${m.modelLoading.generations} generations, ${m.modelLoading.attempts} attempts`} />
            <Stat label="Rate-limited" value={percent(m.rateLimited.rate)} note={`${m.rateLimited.generations} generations, ${m.rateLimited.attempts} attempts`} />
            <Stat label="Credits charged" value={String(m.creditsCharged)} />
            {showUsers ? <Stat label="Users" value={String(m.users)} /> : null}
          </dl>
          <div className="grid gap-6 md:grid-cols-2">
            <div>
              <h3 className="mb-2 text-sm font-medium text-slate-700">Average time by tier</h3>
              <table className="w-full text-sm">
                <thead className="text-left text-xs text-slate-500">
                  <tr>
                    <th className="py-1 font-medium">Tier</th>
                    <th className="py-1 font-medium">Done</th>
                    <th className="py-1 font-medium">Average</th>
                  </tr>
                </thead>
                <tbody>
                  {m.averageMsByTier.map((t) => (
                    <tr key={t.tier} className="border-t border-slate-200">
                      <td className="py-1">{tierLabel(t.tier)}</td>
                      <td className="py-1 tabular-nums">{t.succeeded}</td>
                      <td className="py-1 tabular-nums">{formatDuration(t.averageMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3 className="mb-2 text-sm font-medium text-slate-700">Photos per generation</h3>
              <ul className="space-y-1 text-sm">
                {m.photoCounts.map((p) => (
                  <li key={p.photos} className="flex items-center gap-2" data-testid={`photos-${p.photos}`}>
                    <span className="w-16">
                      {p.photos} {p.photos === 1 ? "photo" : "photos"}
                    </span>
                    <span className="h-3 flex-1 rounded bg-slate-100" aria-hidden="true">
                      <span className="block h-3 rounded bg-brand-500" style={{ width: `${(p.generations / maxPhotos) * 100}%` }} />
                    </span>
                    <span className="w-8 text-right tabular-nums" data-testid="count">
                      {p.generations}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          </div>
          <FaceMetricsPanel faces={m.faces} testId={`${testId}-faces`} />
        </>
      ) : null}
    </section>
  );
}
