import type { SelectHTMLAttributes } from "react";
import { CONTROL_CLASS, FieldFrame, type FieldProps } from "./FieldFrame";

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled native select (keyboard and screen readers for free). */
export function Select({
  label,
  options,
  error,
  hint,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & FieldProps & { options: readonly SelectOption[] }) {
  return (
    <FieldFrame label={label} error={error} hint={hint}>
      {(control) => (
        <select {...control} className={CONTROL_CLASS} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
