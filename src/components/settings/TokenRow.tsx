"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";

interface Props {
  token: { id: string; name: string; start: string | null; createdAt: Date; lastUsedAt: Date | null };
}

/** One token: name, its first characters, dates, and a revoke that asks first. */
export function TokenRow({ token }: Props) {
  const utils = api.useUtils();
  const [confirming, setConfirming] = useState(false);
  const revoke = api.apiToken.revoke.useMutation({ onSuccess: () => utils.apiToken.list.invalidate() });
  return (
    <tr className="border-b border-slate-100 align-middle" data-testid="api-token-row">
      <td className="py-2 pr-4 font-medium">{token.name}</td>
      <td className="py-2 pr-4 font-mono text-xs text-slate-600">{token.start ? `${token.start}…` : "—"}</td>
      <td className="py-2 pr-4 text-slate-600">{token.createdAt.toLocaleString()}</td>
      <td className="py-2 pr-4 text-slate-600">{token.lastUsedAt ? token.lastUsedAt.toLocaleString() : "Never"}</td>
      <td className="py-2 text-right">
        {confirming ? (
          <div className="flex items-center justify-end gap-2" role="group" aria-label={`Confirm revoking ${token.name}`}>
            <span className="text-slate-700">Scripts using it will stop working.</span>
            <Button variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: token.id })}>
              Yes, revoke
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
          </div>
        ) : (
          <Button variant="ghost" onClick={() => setConfirming(true)} aria-label={`Revoke ${token.name}`}>
            Revoke
          </Button>
        )}
        {revoke.error ? <Alert>{revoke.error.message}</Alert> : null}
      </td>
    </tr>
  );
}
