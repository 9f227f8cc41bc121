"use client";

import { useId } from "react";
import { STYLE_STRENGTH_MAX, STYLE_STRENGTH_MIN } from "~/server/prompt/strength";
import { STYLE_NOTES_MAX } from "~/server/prompt/style-choice";
import { STYLE_PRESETS } from "~/server/prompt/styles";
import { BATCH_MAX, strengthWords } from "./form";
import { Field } from "../ui/Field";
import { FieldsetError } from "../ui/FieldsetError";

interface Props {
  style: string;
  /** Several styles at once (a batch): the cards are checkboxes, up to BATCH_MAX. */
  several: boolean;
  styles: string[];
  variations: number;
  onSeveral: (several: boolean) => void;
  onStyles: (styles: string[]) => void;
  onVariations: (variations: number) => void;
  notes: string;
  strength: number;
  error?: string | undefined;
  notesError?: string | undefined;
  onStyle: (style: string) => void;
  onNotes: (notes: string) => void;
  onStrength: (value: number) => void;
}

/**
 * The style presets, each with its description, and the strength slider explained in words. For
 * a batch: "several styles" turns the cards into checkboxes, and "variations" makes that many
 * avatars of each style (each its own seed).
 */
export function StylePicker({ style, several, styles, variations, notes, strength, error, notesError, onStyle, onSeveral, onStyles, onVariations, onNotes, onStrength }: Props) {
  const id = useId();
  const toggle = (name: string) =>
    onStyles(styles.includes(name) ? styles.filter((s) => s !== name) : [...styles, name]);
  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Style</legend>
        <div className="mt-2 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={several} onChange={(e) => onSeveral(e.target.checked)} />
            Several styles at once (up to {BATCH_MAX})
          </label>
          <label className="flex items-center gap-2">
            Variations of each
            <select
              value={variations}
              onChange={(e) => onVariations(Number(e.target.value))}
              className="rounded-md border border-slate-300 px-2 py-1"
            >
              {Array.from({ length: BATCH_MAX }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  × {n}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {STYLE_PRESETS.map((preset) => {
            const checked = several ? styles.includes(preset.name) : preset.name === style;
            return (
              <label
                key={preset.name}
                className={`flex cursor-pointer gap-2 rounded-md border p-2 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600 ${checked ? "border-brand-500 bg-brand-50" : "border-slate-200 bg-white hover:bg-slate-50"}`}
              >
                <input
                  type={several ? "checkbox" : "radio"}
                  name={`${id}-style`}
                  value={preset.name}
                  checked={checked}
                  onChange={() => (several ? toggle(preset.name) : onStyle(preset.name))}
                  className="mt-1"
                />
                <span>
                  <span className="block font-medium">{preset.name}</span>
                  <span className="block text-xs text-slate-600">{preset.description}</span>
                </span>
              </label>
            );
          })}
        </div>
        <FieldsetError error={error} />
      </fieldset>

      <Field
        label="Style notes (optional)"
        name="styleNotes"
        value={notes}
        maxLength={STYLE_NOTES_MAX}
        placeholder="e.g. business professional, warm light"
        hint="Your own words about the look, added to the prompt on top of the preset."
        error={notesError}
        onChange={(e) => onNotes(e.target.value)}
      />

      <div className="space-y-1">
        <label htmlFor={`${id}-strength`} className="block text-sm font-medium text-slate-700">
          Style strength: {strength.toFixed(2)} ({strengthWords(strength)})
        </label>
        <input
          id={`${id}-strength`}
          type="range"
          min={STYLE_STRENGTH_MIN}
          max={STYLE_STRENGTH_MAX}
          step={0.01}
          value={strength}
          aria-valuetext={`${strength.toFixed(2)}, ${strengthWords(strength)}`}
          aria-describedby={`${id}-strength-ends`}
          onChange={(e) => onStrength(Number(e.target.value))}
          className="w-full accent-brand-600"
        />
        <div id={`${id}-strength-ends`} className="flex justify-between text-xs text-slate-600">
          <span>← more creative</span>
          <span>more like you →</span>
        </div>
      </div>
    </div>
  );
}
