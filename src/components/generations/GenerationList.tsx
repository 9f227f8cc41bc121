"use client";

import { useEffect, useState } from "react";
import { Alert } from "../ui/Alert";
import { GenerationCard } from "./GenerationCard";
import { describeStage, type GenerationItem } from "./stage";
import type { useLiveGenerations } from "./useLiveGenerations";

const SHOWN = 5;

/** The project's latest generations, live; announced politely to screen readers as they change. */
export function GenerationList({
  live,
  onTryAgain,
}: {
  live: ReturnType<typeof useLiveGenerations>;
  onTryAgain?: (g: GenerationItem) => void;
}) {
  const [all, setAll] = useState(false);
  const now = useNow(1000);
  const rows = live.list.data ?? [];
  const shown = all ? rows : rows.slice(0, SHOWN);
  return (
    <section aria-labelledby="generations-title" className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="generations-title" className="text-lg font-semibold">
          Generations
        </h2>
        <span className="text-xs text-slate-500" data-testid="live-indicator">
          {live.live ? "● live" : "connecting…"}
        </span>
      </div>
      {live.list.error ? <Alert>{live.list.error.message}</Alert> : null}
      {live.list.isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {!live.list.isPending && rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-500">
          Nothing yet. Your generations show up here, step by step, as they run.
        </p>
      ) : null}
      {/* Announces stage changes only (the visible countdowns tick every second). */}
      <p className="sr-only" role="status" aria-live="polite" data-testid="generation-announcer">
        {rows.slice(0, 3).map(announce).join(" ")}
      </p>
      <ul className="space-y-2" aria-label="Generations">
        {shown.map((g) => (
          <GenerationCard key={g.id} generation={g} now={now} onTryAgain={onTryAgain} />
        ))}
      </ul>
      {rows.length > SHOWN ? (
        <button type="button" className="text-sm font-medium text-brand-700 underline" onClick={() => setAll(!all)}>
          {all ? "Show fewer" : `Show all ${rows.length}`}
        </button>
      ) : null}
    </section>
  );
}

function announce(g: GenerationItem): string {
  const stage = describeStage(g, 0);
  return `${g.name}: ${stage.title}.${g.status === "failed" ? ` ${stage.detail ?? ""}` : ""}`;
}

/** The current time, ticking, for countdowns. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
