"use client";

import { api } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/types";
import { Alert } from "../ui/Alert";
import { Badge, type BadgeTone } from "../ui/Badge";
import { Button } from "../ui/Button";

type Entry = RouterOutputs["credits"]["history"]["entries"][number];

const PAGE_SIZE = 20;
const KIND: Record<Entry["kind"], { label: string; tone: BadgeTone }> = {
  grant: { label: "Grant", tone: "brand" },
  charge: { label: "Charge", tone: "neutral" },
  refund: { label: "Refund", tone: "success" },
  purchase: { label: "Purchase", tone: "success" },
  debit: { label: "Taken back", tone: "warning" },
};

/** The balance and the whole ledger, newest first, a page at a time. */
export function CreditHistory() {
  const balance = api.credits.balance.useQuery();
  const history = api.credits.history.useInfiniteQuery(
    { limit: PAGE_SIZE },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const entries = history.data?.pages.flatMap((p) => p.entries) ?? [];

  return (
    <div className="space-y-6">
      <section aria-labelledby="balance-title" className="rounded-lg bg-white p-5 ring-1 ring-slate-200">
        <h2 id="balance-title" className="text-sm font-medium text-slate-500">
          Balance
        </h2>
        <p className="text-3xl font-semibold" data-testid="credits-balance">
          {balance.data ? `${balance.data.balance} credits` : "…"}
        </p>
        <p className="mt-1 text-xs text-slate-500">Basic costs 18, Pro 25 and Enterprise 35 credits. A failed generation is refunded in full.</p>
      </section>

      <section aria-labelledby="history-title" className="space-y-3">
        <h2 id="history-title" className="text-lg font-semibold">
          History
        </h2>
        {history.error ? <Alert>{history.error.message}</Alert> : null}
        {history.isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
        <ol className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Credit history, newest first">
          {entries.map((e) => (
            <li key={e.id} data-testid="ledger-entry" data-kind={e.kind} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-center sm:gap-4">
              <span className="flex items-center gap-2 sm:w-44">
                <Badge tone={KIND[e.kind].tone}>{KIND[e.kind].label}</Badge>
                <time dateTime={e.createdAt.toISOString()} className="text-xs text-slate-500">
                  {e.createdAt.toLocaleString()}
                </time>
              </span>
              <span className="min-w-0 flex-1 break-words text-sm">{e.description}</span>
              <span className="flex items-baseline gap-3 text-sm sm:justify-end">
                <span className={`font-semibold tabular-nums ${e.amount < 0 ? "text-slate-900" : "text-emerald-700"}`} data-testid="ledger-amount">
                  {e.amount > 0 ? `+${e.amount}` : e.amount === 0 ? "0" : `−${Math.abs(e.amount)}`}
                </span>
                <span className="text-xs text-slate-500 tabular-nums">balance {e.balanceAfter}</span>
              </span>
            </li>
          ))}
        </ol>
        {history.hasNextPage ? (
          <Button variant="secondary" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
            {history.isFetchingNextPage ? "Loading…" : "Load older entries"}
          </Button>
        ) : entries.length > 0 ? (
          <p className="text-xs text-slate-500">That&apos;s everything: {entries.length} {entries.length === 1 ? "entry" : "entries"}.</p>
        ) : null}
      </section>
    </div>
  );
}
