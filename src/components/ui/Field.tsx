import type { InputHTMLAttributes } from "react";
import { CONTROL_CLASS, FieldFrame, type FieldProps } from "./FieldFrame";

/** A labelled input with its hint and error wired up for screen readers. */
export function Field({ label, error, hint, ...input }: InputHTMLAttributes<HTMLInputElement> & FieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint}>
      {(control) => <input {...control} className={CONTROL_CLASS} {...input} />}
    </FieldFrame>
  );
}
