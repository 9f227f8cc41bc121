import type { TextareaHTMLAttributes } from "react";
import { CONTROL_CLASS, FieldFrame, type FieldProps } from "./FieldFrame";

/** A labelled textarea with its hint and error wired up for screen readers. */
export function TextArea({ label, error, hint, ...input }: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint}>
      {(control) => <textarea {...control} className={CONTROL_CLASS} {...input} />}
    </FieldFrame>
  );
}
