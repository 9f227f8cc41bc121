"use client";

import { useId } from "react";
import type { RouterOutputs } from "~/trpc/types";
import type { Tier } from "~/server/tiers";
import { FieldsetError } from "../ui/FieldsetError";

type Models = RouterOutputs["models"]["list"];

export const tierLabel = (tier: string) => tier.charAt(0).toUpperCase() + tier.slice(1);

/** The tiers with credits and size, marked with what the plan allows. */
export function TierPicker({
  models,
  selected,
  onSelect,
  error,
}: {
  models: Models;
  selected: Tier | null;
  onSelect: (tier: Tier) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">
        Tier <span className="font-normal text-slate-500">— your plan: {tierLabel(models.plan)}</span>
      </legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-3">
        {models.tiers.map((t) => {
          const checked = t.tier === selected;
          return (
            <label
              key={t.tier}
              className={`flex gap-2 rounded-md border p-3 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600 ${
                !t.available ? "cursor-not-allowed border-slate-200 bg-slate-50 text-slate-400" : checked ? "cursor-pointer border-brand-500 bg-brand-50" : "cursor-pointer border-slate-200 bg-white hover:bg-slate-50"
              }`}
            >
              <input
                type="radio"
                name={`${id}-tier`}
                value={t.tier}
                checked={checked}
                disabled={!t.available}
                onChange={() => onSelect(t.tier)}
                aria-describedby={`${id}-${t.tier}`}
                className="mt-1"
              />
              <span>
                <span className="block font-medium">{tierLabel(t.tier)}</span>
                <span id={`${id}-${t.tier}`} className="block text-xs">
                  {t.creditCost} credits · {t.width}×{t.height}
                  {t.available ? "" : ` · not in the ${tierLabel(models.plan)} plan`}
                </span>
              </span>
            </label>
          );
        })}
      </div>
      <FieldsetError error={error} />
    </fieldset>
  );
}
