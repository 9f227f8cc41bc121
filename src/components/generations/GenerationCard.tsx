"use client";

import { tierLabel } from "../studio/TierPicker";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { describeStage, type GenerationItem } from "./stage";

const STEPS = ["queued", "generating", "saving", "succeeded"] as const;
const stepIndex = (g: GenerationItem) =>
  g.stage === "retrying" || g.stage === "falling_back" ? 1 : g.stage === "failed" ? -1 : STEPS.indexOf(g.stage);

/** One generation's live status: stage, why and when for retries, the refund for failures. */
export function GenerationCard({
  generation: g,
  now,
  onTryAgain,
}: {
  generation: GenerationItem;
  now: number;
  onTryAgain?: ((g: GenerationItem) => void) | undefined;
}) {
  const stage = describeStage(g, now);
  const at = stepIndex(g);
  return (
    <li data-testid="generation" data-stage={g.stage} className="space-y-2 rounded-md bg-white p-3 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <span className="font-medium">{g.name}</span>
          {g.batchId ? (
            // A batch's members share the name: the style and seed tell them apart.
            <span className="block text-xs text-slate-600" data-testid="generation-variant">
              {g.settings.style} · seed {g.settings.seed}
            </span>
          ) : null}
        </span>
        <span className="flex gap-1">
          <Badge>{tierLabel(g.tier)}</Badge>
          <Badge tone={stage.tone === "neutral" ? "neutral" : stage.tone} className="uppercase">
            {stage.busy ? <span aria-hidden="true" className="mr-1 inline-block h-2 w-2 animate-pulse rounded-full bg-current" /> : null}
            {stage.title}
          </Badge>
        </span>
      </div>
      {at >= 0 ? (
        <ol className="flex gap-1" aria-label="Progress">
          {STEPS.map((s, i) => (
            <li key={s} className={`h-1.5 flex-1 rounded-full ${i <= at ? (g.stage === "retrying" || g.stage === "falling_back" ? "bg-amber-400" : "bg-brand-600") : "bg-slate-200"}`}>
              <span className="sr-only">
                {s}
                {i <= at ? " (reached)" : ""}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
      {stage.detail ? (
        <p className={`text-sm ${stage.tone === "danger" ? "text-red-700" : stage.tone === "warning" ? "text-amber-900" : "text-slate-600"}`} data-testid="generation-detail">
          {stage.detail}
        </p>
      ) : null}
      {g.status === "failed" && g.refundedCredits ? (
        <p className="text-sm font-medium text-emerald-700" data-testid="generation-refund">
          {g.refundedCredits} credits returned
        </p>
      ) : null}
      {g.warnings.length > 0 && g.status !== "failed" ? (
        <ul className="text-xs text-amber-800">
          {g.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      ) : null}
      {g.status === "failed" && onTryAgain ? (
        <Button variant="secondary" onClick={() => onTryAgain(g)} aria-label={`Try ${g.name} again with the same settings`}>
          Try again ({g.creditCost} credits)
        </Button>
      ) : null}
    </li>
  );
}
