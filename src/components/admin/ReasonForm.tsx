"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { useHydrated } from "../ui/useHydrated";

/**
 * An operator action's form: its own fields, a reason (always asked, kept in the audit), and a
 * submit that stays disabled until the page has hydrated (method="post": nothing ever lands in a URL).
 */
export function ReasonForm({
  title,
  submitLabel,
  variant = "primary",
  children,
  onSubmit,
  testId,
}: {
  title: string;
  submitLabel: string;
  variant?: "primary" | "danger" | "secondary";
  children?: ReactNode;
  /** Throws to show its message; resolves with what to confirm. */
  onSubmit: (reason: string, form: FormData) => Promise<string>;
  testId?: string;
}) {
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reason, setReason] = useState("");

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setDone(null);
    try {
      setDone(await onSubmit(reason.trim(), new FormData(event.currentTarget)));
      setReason("");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <form method="post" onSubmit={submit} className="space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200" data-testid={testId} aria-label={title}>
      <h4 className="text-sm font-semibold">{title}</h4>
      {children}
      <Field
        label="Reason"
        name="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        minLength={3}
        maxLength={500}
        hint="Kept in the audit with your name."
      />
      {error ? <Alert>{error}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
      <Button type="submit" variant={variant} disabled={!hydrated || pending}>
        {pending ? "Working…" : submitLabel}
      </Button>
    </form>
  );
}
