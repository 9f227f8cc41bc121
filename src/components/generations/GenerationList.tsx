"use client";

import { useEffect, useState } from "react";
import { Alert } from "../ui/Alert";
import { groupByBatch } from "./batches";
import { GenerationCard } from "./GenerationCard";
import { describeStage, type GenerationItem } from "./stage";
import type { useLiveGenerations } from "./useLiveGenerations";

const SHOWN = 5;

/**
 * The project's latest generations, live; announced politely to screen readers as they change.
 * A batch's members are shown together. Older pages load on demand ("Load more").
 */
export function GenerationList({
  live,
  onTryAgain,
}: {
  live: ReturnType<typeof useLiveGenerations>;
  onTryAgain?: (g: GenerationItem) => void;
}) {
  const [all, setAll] = useState(false);
  const now = useNow(1000);
  const rows = live.rows;
  const groups = groupByBatch(rows);
  const shown = all ? groups : groups.slice(0, SHOWN);
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
        {shown.map((group) =>
          group.batchId ? (
            <li key={group.key} data-testid="generation-batch" className="space-y-2 rounded-md border border-dashed border-brand-300 p-2">
              <p className="text-xs font-medium text-slate-600">Batch of {group.items.length}</p>
              <ul className="space-y-2" aria-label={`Batch of ${group.items.length}`}>
                {group.items.map((g) => (
                  <GenerationCard key={g.id} generation={g} now={now} onTryAgain={onTryAgain} />
                ))}
              </ul>
            </li>
          ) : (
            <GenerationCard key={group.key} generation={group.items[0]!} now={now} onTryAgain={onTryAgain} />
          ),
        )}
      </ul>
      <div className="flex gap-4">
        {groups.length > SHOWN ? (
          <button type="button" className="text-sm font-medium text-brand-700 underline" onClick={() => setAll(!all)}>
            {all ? "Show fewer" : `Show all ${rows.length}`}
          </button>
        ) : null}
        {all && live.list.hasNextPage ? (
          <button
            type="button"
            className="text-sm font-medium text-brand-700 underline"
            disabled={live.list.isFetchingNextPage}
            onClick={() => void live.list.fetchNextPage()}
          >
            {live.list.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
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
