"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { Select } from "../ui/Select";
import { change, when } from "./format";
import { ReasonForm } from "./ReasonForm";

const PLANS = ["free", "basic", "pro", "enterprise"].map((p) => ({ value: p, label: p }));

/** One account: its figures, plan and credit actions (with a reason), ledger, generations and audit. */
export function UserDetail({ userId, onOpenGeneration }: { userId: string; onOpenGeneration: (id: string) => void }) {
  const utils = api.useUtils();
  const detail = api.admin.user.useQuery({ userId });
  const grant = api.admin.grantCredits.useMutation();
  const take = api.admin.takeCredits.useMutation();
  const setPlan = api.admin.setPlan.useMutation();
  const [direction, setDirection] = useState<"grant" | "take">("grant");
  const [amount, setAmount] = useState("");
  const [plan, setPlanChoice] = useState<string | null>(null);

  const refresh = () => Promise.all([utils.admin.user.invalidate({ userId }), utils.admin.users.invalidate(), utils.admin.audit.invalidate()]);

  if (detail.error) return <Alert>{detail.error.message}</Alert>;
  if (!detail.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const { user: u, ledger, generations, audit, actors } = detail.data;

  return (
    <article aria-labelledby="user-detail-title" className="space-y-5 rounded-lg bg-white p-5 ring-1 ring-slate-200" data-testid="admin-user-detail">
      <header className="space-y-1">
        <h3 id="user-detail-title" className="text-lg font-semibold break-all">
          {u.email}
        </h3>
        <p className="text-xs text-slate-500">
          {u.id} · signed up {when(u.createdAt)} · {u.emailVerified ? "email verified" : "email not verified"}
        </p>
      </header>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div><dt className="text-xs text-slate-500">Plan</dt><dd><Badge>{u.plan}</Badge></dd></div>
        <div><dt className="text-xs text-slate-500">Balance</dt><dd className="text-xl font-semibold tabular-nums" data-testid="admin-balance">{u.balance}</dd></div>
        <div>
          <dt className="text-xs text-slate-500">Generations</dt>
          <dd>{u.generations.succeeded} done · {u.generations.failed} failed · {u.generations.queued} queued · {u.generations.processing} running</dd>
        </div>
        <div><dt className="text-xs text-slate-500">API tokens</dt><dd>{u.tokens.count}{u.tokens.lastUsedAt ? ` (last used ${when(u.tokens.lastUsedAt)})` : ""}</dd></div>
      </dl>

      <div className="grid gap-4 md:grid-cols-2">
        <ReasonForm
          title="Credits"
          submitLabel={direction === "grant" ? "Grant credits" : "Take credits"}
          variant={direction === "take" ? "danger" : "primary"}
          testId="credits-form"
          onSubmit={async (reason) => {
            const n = Number(amount);
            const entry = direction === "grant" ? await grant.mutateAsync({ email: u.email, amount: n, reason }) : await take.mutateAsync({ email: u.email, amount: n, reason });
            setAmount("");
            await refresh();
            return `${direction === "grant" ? "Granted" : "Took"} ${Math.abs(entry.amount)} credits; the balance is now ${entry.balanceAfter}.`;
          }}
        >
          <fieldset className="flex gap-4 text-sm">
            <legend className="sr-only">Grant or take</legend>
            {(["grant", "take"] as const).map((d) => (
              <label key={d} className="flex items-center gap-1">
                <input type="radio" name="direction" value={d} checked={direction === d} onChange={() => setDirection(d)} />
                {d === "grant" ? "Grant" : "Take back"}
              </label>
            ))}
          </fieldset>
          <Field label="Credits" name="amount" type="number" min={1} max={1_000_000} step={1} value={amount} onChange={(e) => setAmount(e.target.value)} required />
        </ReasonForm>
        <ReasonForm
          title="Plan"
          submitLabel="Set plan"
          variant="secondary"
          onSubmit={async (reason) => {
            const updated = await setPlan.mutateAsync({ email: u.email, plan: (plan ?? u.plan) as "free", reason });
            await refresh();
            return `${updated.email} is now on the ${updated.plan} plan.`;
          }}
        >
          <Select label="Plan" name="plan" options={PLANS} value={plan ?? u.plan} onChange={(e) => setPlanChoice(e.target.value)} />
        </ReasonForm>
      </div>

      <section aria-label="Recent ledger entries" className="space-y-2">
        <h4 className="text-sm font-semibold">Ledger (latest 20)</h4>
        <ol className="divide-y divide-slate-100 text-sm">
          {ledger.map((e) => (
            <li key={e.id} className="flex flex-wrap gap-x-3 py-1" data-testid="admin-ledger-entry">
              <span className="w-24 text-xs text-slate-500">{e.kind}</span>
              <span className="w-16 font-medium tabular-nums">{e.amount > 0 ? `+${e.amount}` : e.amount}</span>
              <span className="flex-1">{e.description}</span>
              <span className="text-xs text-slate-500">{e.grantedBy ? `by ${actors[e.grantedBy] ?? e.grantedBy}` : ""} · {when(e.createdAt)}</span>
            </li>
          ))}
        </ol>
      </section>

      <section aria-label="Recent generations" className="space-y-2">
        <h4 className="text-sm font-semibold">Generations (latest 20)</h4>
        <ul className="divide-y divide-slate-100 text-sm">
          {generations.map((g) => (
            <li key={g.id} className="flex flex-wrap items-center gap-x-3 py-1">
              <span className="w-28">{g.status}{g.errorCode ? ` (${g.errorCode})` : ""}</span>
              <span className="w-20 text-xs">{g.tier}</span>
              <span className="flex-1 text-xs text-slate-500">{when(g.createdAt)}</span>
              <Button variant="ghost" onClick={() => onOpenGeneration(g.id)}>Timeline</Button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-label="What support did to this account" className="space-y-2">
        <h4 className="text-sm font-semibold">Audit</h4>
        {audit.length === 0 ? <p className="text-sm text-slate-500">Nothing yet.</p> : null}
        <ul className="space-y-1 text-sm">
          {audit.map((a) => (
            <li key={a.id} className="text-xs">
              <span className="font-medium">{a.action}</span> by {actors[a.actor] ?? a.actor} · {when(a.createdAt)} · “{a.reason}” · {change(a.before, a.after)}
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
