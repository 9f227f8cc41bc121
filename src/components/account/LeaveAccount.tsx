"use client";

import { useState, type FormEvent } from "react";
import { authClient } from "~/lib/auth-client";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { useHydrated } from "../ui/useHydrated";

const CONFIRMATION = "delete my account";

/**
 * Leaving: download everything (a ZIP: every avatar full size, projects and generations, the credit
 * history), and delete the account with the password and a typed confirmation. The delete button
 * stays disabled until the page has hydrated and the confirmation is typed; the password is sent
 * in a POST body only.
 */
export function LeaveAccount() {
  const hydrated = useHydrated();
  const [password, setPassword] = useState("");
  const [typed, setTyped] = useState("");
  const remove = api.account.delete.useMutation({
    onSuccess: async () => {
      await authClient.signOut().catch(() => {});
      window.location.assign("/goodbye");
    },
  });
  const confirmed = typed.trim().toLowerCase() === CONFIRMATION;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (confirmed) remove.mutate({ password });
  }

  return (
    <section aria-labelledby="leave-heading" className="space-y-5 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div className="space-y-2">
        <h2 id="leave-heading" className="text-lg font-semibold">
          Your data
        </h2>
        <p className="text-sm text-slate-600">
          One ZIP with every avatar at full size, your projects and generations (settings, status, timings, likeness) and your credit history.
        </p>
        <a href="/api/account/export" download className="inline-flex rounded-md px-4 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50">
          Download my data
        </a>
      </div>
      <form method="post" onSubmit={submit} className="space-y-3 border-t border-slate-200 pt-5" aria-labelledby="delete-heading">
        <h3 id="delete-heading" className="font-semibold text-red-800">
          Delete my account
        </h3>
        <p className="text-sm text-slate-600">
          Everything goes, for good: your avatars, projects, API tokens and credits. Generations still running are stopped and refunded first.
          Payments stay in our books for accounting, without your name.
        </p>
        <Field label="Your password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required maxLength={128} />
        <Field
          label={`Type “${CONFIRMATION}” to confirm`}
          name="confirmation"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          required
        />
        {remove.error ? <Alert>{remove.error.message}</Alert> : null}
        <Button type="submit" variant="danger" disabled={!hydrated || !confirmed || password === "" || remove.isPending}>
          {remove.isPending ? "Deleting…" : "Delete my account"}
        </Button>
      </form>
    </section>
  );
}
