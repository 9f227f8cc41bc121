"use client";

import { AGE_RANGE_MAX, ETHNICITY_MAX, NEGATIVE_PROMPT_MAX, PERSONA_NAME_MAX, PROMPT_MAX } from "~/server/prompt";
import { Field } from "../ui/Field";
import { Select } from "../ui/Select";
import { TextArea } from "../ui/TextArea";
import { AGE_RANGES, GENDERS, type FieldErrors, type PromptValues } from "./form";

interface Props {
  values: PromptValues;
  errors: FieldErrors;
  onChange: (patch: Partial<PromptValues>) => void;
}

/** Name, prompt, persona and attributes, seed and negative prompt. */
export function PromptFields({ values, errors, onChange }: Props) {
  return (
    <div className="space-y-4">
      <Field
        label="Avatar name"
        name="name"
        required
        maxLength={100}
        placeholder="e.g. Conference headshot"
        value={values.name}
        error={errors.name}
        onChange={(e) => onChange({ name: e.target.value })}
      />
      <TextArea
        label="Prompt"
        name="prompt"
        required
        rows={3}
        maxLength={PROMPT_MAX}
        placeholder="e.g. wearing a navy suit, city skyline at dusk behind"
        hint={`Describe the scene. We add PhotoMaker's trigger word "img" after "woman", "man" or "person" for you — or write it yourself, e.g. "a woman img reading in a café".`}
        value={values.prompt}
        error={errors.prompt}
        onChange={(e) => onChange({ prompt: e.target.value })}
      />
      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-700">Persona (optional)</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="Persona name"
            name="personaName"
            maxLength={PERSONA_NAME_MAX}
            value={values.personaName}
            error={errors.personaName}
            onChange={(e) => onChange({ personaName: e.target.value })}
          />
          <Field
            label="Persona age"
            name="personaAge"
            type="number"
            inputMode="numeric"
            min={18}
            max={100}
            value={values.personaAge}
            error={errors.personaAge}
            hint="18–100; wins over the age range"
            onChange={(e) => onChange({ personaAge: e.target.value })}
          />
          <Select
            label="Gender"
            name="gender"
            options={GENDERS}
            value={values.gender}
            error={errors.gender}
            onChange={(e) => onChange({ gender: e.target.value })}
          />
          <Select
            label="Age range"
            name="ageRange"
            options={AGE_RANGES}
            value={values.ageRange}
            error={errors.ageRange}
            onChange={(e) => onChange({ ageRange: e.target.value.slice(0, AGE_RANGE_MAX) })}
          />
          <div className="sm:col-span-2">
            <Field
              label="Ethnicity"
              name="ethnicity"
              maxLength={ETHNICITY_MAX}
              placeholder="e.g. East Asian"
              value={values.ethnicity}
              error={errors.ethnicity}
              onChange={(e) => onChange({ ethnicity: e.target.value })}
            />
          </div>
        </div>
      </fieldset>
      <details className="rounded-md border border-slate-200 p-3" open={Boolean(values.seed || values.negativePrompt || errors.seed || errors.negativePrompt)}>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Advanced: seed and negative prompt</summary>
        <div className="mt-3 space-y-3">
          <Field
            label="Seed"
            name="seed"
            type="number"
            inputMode="numeric"
            min={0}
            max={2147483647}
            placeholder="random"
            hint="Leave empty for a random seed. The same seed and settings give the same picture."
            value={values.seed}
            error={errors.seed}
            onChange={(e) => onChange({ seed: e.target.value })}
          />
          <TextArea
            label="Negative prompt"
            name="negativePrompt"
            rows={2}
            maxLength={NEGATIVE_PROMPT_MAX}
            placeholder="e.g. hat, sunglasses"
            hint="What you don't want in the picture."
            value={values.negativePrompt}
            error={errors.negativePrompt}
            onChange={(e) => onChange({ negativePrompt: e.target.value })}
          />
        </div>
      </details>
    </div>
  );
}
