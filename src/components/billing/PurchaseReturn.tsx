"use client";

import { useEffect } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";

/**
 * Back from Stripe Checkout. The credits come with Stripe's webhook, which may land a moment after
 * the browser: the ledger is read every second until the session's purchase is in it, then the
 * balance (here and in the header) refreshes. No reload needed.
 */
export function PurchaseReturn({ outcome, sessionId }: { outcome: string; sessionId: string | null }) {
  const utils = api.useUtils();
  const watching = outcome === "success" && !!sessionId;
  const recent = api.credits.history.useQuery({ limit: 10 }, { enabled: watching, refetchInterval: (q) => (arrived(q.state.data, sessionId) ? false : 1_000) });
  const purchase = arrived(recent.data, sessionId);
  useEffect(() => {
    if (purchase) void utils.credits.invalidate();
  }, [purchase, utils]);

  if (outcome === "cancelled") return <Alert tone="info">Checkout cancelled: nothing was charged.</Alert>;
  if (!watching) return null;
  return (
    <div data-testid="purchase-status" data-state={purchase ? "credited" : "waiting"}>
      {purchase ? (
        <Alert tone="success">Thank you! {purchase.amount} credits were added to your balance.</Alert>
      ) : (
        <Alert tone="info">Payment received. Your credits appear here as soon as Stripe confirms it (usually a few seconds)…</Alert>
      )}
    </div>
  );
}

type History = { entries: Array<{ kind: string; amount: number; referenceId: string | null }> } | undefined;

function arrived(history: History, sessionId: string | null) {
  return history?.entries.find((e) => e.kind === "purchase" && e.referenceId === sessionId) ?? null;
}
