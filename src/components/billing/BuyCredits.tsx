"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { useHydrated } from "../ui/useHydrated";

/**
 * The credit packs, each bought through Stripe Checkout: the button asks for a Checkout Session
 * and the browser goes there (Stripe's page takes the card); it comes back to this page.
 */
export function BuyCredits() {
  const hydrated = useHydrated();
  const packs = api.billing.packs.useQuery();
  const checkout = api.billing.checkout.useMutation({
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const [chosen, setChosen] = useState<string | null>(null);

  if (packs.error) return <Alert>{packs.error.message}</Alert>;
  if (!packs.data) return <p className="text-sm text-slate-500">Loading the packs…</p>;
  if (!packs.data.enabled) {
    return (
      <div data-testid="purchases-off">
        <Alert tone="info">Purchases are not set up on this server yet. An administrator can grant you credits meanwhile.</Alert>
      </div>
    );
  }
  return (
    <section aria-labelledby="buy-title" className="space-y-3">
      <h2 id="buy-title" className="text-lg font-semibold">
        Buy credits
      </h2>
      <ul className="grid gap-3 sm:grid-cols-3">
        {packs.data.packs.map((p) => (
          <li key={p.id} className="space-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid="pack">
            <p className="font-semibold">{p.name}</p>
            <p className="text-2xl font-semibold tabular-nums">{p.credits} credits</p>
            <p className="text-sm text-slate-600">{p.priceLabel}</p>
            <Button
              className="w-full"
              disabled={!hydrated || checkout.isPending}
              aria-label={`Buy the ${p.name} pack: ${p.credits} credits for ${p.priceLabel}`}
              onClick={() => {
                setChosen(p.id);
                checkout.mutate({ pack: p.id });
              }}
            >
              {checkout.isPending && chosen === p.id ? "Opening checkout…" : `Buy for ${p.priceLabel}`}
            </Button>
          </li>
        ))}
      </ul>
      {checkout.error ? <Alert>{checkout.error.message}</Alert> : null}
      <p className="text-xs text-slate-500">Payments are handled by Stripe. Credits never expire; a failed generation is refunded in full.</p>
    </section>
  );
}
