"use client";

import { useId } from "react";
import { STYLE_STRENGTH_MAX, STYLE_STRENGTH_MIN } from "~/server/prompt/strength";
import { STYLE_NOTES_MAX } from "~/server/prompt/style-choice";
import { STYLE_PRESETS } from "~/server/prompt/styles";
import { strengthWords } from "./form";
import { Field } from "../ui/Field";
import { FieldsetError } from "../ui/FieldsetError";

interface Props {
  style: string;
  notes: string;
  strength: number;
  error?: string | undefined;
  notesError?: string | undefined;
  onStyle: (style: string) => void;
  onNotes: (notes: string) => void;
  onStrength: (value: number) => void;
}

/** The style presets, each with its description, and the strength slider explained in words. */
export function StylePicker({ style, notes, strength, error, notesError, onStyle, onNotes, onStrength }: Props) {
  const id = useId();
  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Style</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {STYLE_PRESETS.map((preset) => {
            const checked = preset.name === style;
            return (
              <label
                key={preset.name}
                className={`flex cursor-pointer gap-2 rounded-md border p-2 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600 ${checked ? "border-brand-500 bg-brand-50" : "border-slate-200 bg-white hover:bg-slate-50"}`}
              >
                <input
                  type="radio"
                  name={`${id}-style`}
                  value={preset.name}
                  checked={checked}
                  onChange={() => onStyle(preset.name)}
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
