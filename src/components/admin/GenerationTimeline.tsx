"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/types";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { change, ms, when } from "./format";
import { ReasonForm } from "./ReasonForm";

type Timeline = RouterOutputs["admin"]["generation"];

/** One generation's story (attempts, runs and their steps, ledger, audit) and what support can do to it. */
export function GenerationTimeline({ generationId, onClose }: { generationId: string; onClose: () => void }) {
  const utils = api.useUtils();
  const timeline = api.admin.generation.useQuery({ generationId }, { refetchInterval: 2_000 });
  const cancel = api.admin.cancelGeneration.useMutation();
  const redrive = api.admin.redriveGeneration.useMutation();
  const refund = api.admin.refundGeneration.useMutation();
  // An action's outcome stays shown after its form goes (a cancelled generation has no Cancel form).
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = async (message: string) => {
    setNotice(message);
    await Promise.all([utils.admin.generation.invalidate({ generationId }), utils.admin.generations.invalidate(), utils.admin.audit.invalidate()]);
    return message;
  };

  if (timeline.error) return <Alert>{timeline.error.message}</Alert>;
  if (!timeline.data) return <p className="text-sm text-slate-500">Loading the timeline…</p>;
  const t = timeline.data;
  const g = t.generation;
  const running = g.status === "queued" || g.status === "processing";
  const refunded = t.ledger.some((e) => e.kind === "refund");
  const charged = t.ledger.some((e) => e.kind === "charge");

  return (
    <article aria-labelledby="timeline-title" className="space-y-5 rounded-lg bg-white p-5 ring-1 ring-slate-200" data-testid="admin-timeline" data-status={g.status}>
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="space-y-1">
          <h3 id="timeline-title" className="text-lg font-semibold">
            {g.name} <Badge>{g.tier}</Badge> <Badge tone={g.status === "failed" ? "danger" : g.status === "succeeded" ? "success" : "info"}>{g.stage}</Badge>
          </h3>
          <p className="text-xs text-slate-500 break-all">
            {g.id} · {g.email} · submitted {when(g.createdAt)} · started {when(g.startedAt)} · ended {when(g.completedAt)}
          </p>
          {g.errorMessage ? <p className="text-sm text-red-700">{g.errorCode}: {g.errorMessage}</p> : null}
          <p className="text-xs text-slate-500">
            {g.creditCost} credits{g.refundedCredits ? `, ${g.refundedCredits} refunded` : ""} · engine {g.engine ?? "—"} · avatar {t.avatar ? "saved" : "none"} · start event {t.eventId}
          </p>
        </div>
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      </header>

      {notice ? (
        <div data-testid="timeline-notice">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
      <Attempts attempts={t.attempts} />
      <Runs runs={t.runs} />

      <section aria-label="Ledger entries of this generation" className="space-y-1">
        <h4 className="text-sm font-semibold">Ledger</h4>
        <ul className="text-sm">
          {t.ledger.map((e) => (
            <li key={e.id} data-testid="timeline-ledger-entry">
              {e.kind} {e.amount > 0 ? `+${e.amount}` : e.amount} · {e.description} · {when(e.createdAt)}
            </li>
          ))}
        </ul>
      </section>

      <section aria-label="What support did to this generation" className="space-y-1">
        <h4 className="text-sm font-semibold">Audit</h4>
        {t.audit.length === 0 ? <p className="text-sm text-slate-500">Nothing yet.</p> : null}
        <ul className="text-xs">
          {t.audit.map((a) => (
            <li key={a.id} data-testid="timeline-audit-entry">
              <span className="font-medium">{a.action}</span> by {t.actors[a.actor] ?? a.actor} · {when(a.createdAt)} · “{a.reason}” · {change(a.before, a.after)}
            </li>
          ))}
        </ul>
      </section>

      <div className="grid gap-4 md:grid-cols-3">
        {running ? (
          <ReasonForm
            title="Cancel"
            submitLabel="Cancel generation"
            variant="danger"
            testId="cancel-form"
            onSubmit={async (reason) => {
              const r = await cancel.mutateAsync({ generationId, reason });
              return refresh(
                r.outcome === "cancelled"
                  ? `Cancelled; ${r.refunded} credits returned${r.runCancel === "sent" ? ", its run cancelled" : ""}.`
                  : "Its avatar had just been saved: it was completed instead.",
              );
            }}
          />
        ) : null}
        {running ? (
          <ReasonForm
            title="Re-drive"
            submitLabel="Send its start event again"
            variant="secondary"
            testId="redrive-form"
            onSubmit={async (reason) => {
              const r = await redrive.mutateAsync({ generationId, reason });
              return refresh(`Sent ${r.eventId} again.`);
            }}
          />
        ) : null}
        {g.status === "failed" && charged && !refunded ? (
          <ReasonForm
            title="Refund"
            submitLabel="Refund by hand"
            testId="refund-form"
            onSubmit={async (reason) => {
              const r = await refund.mutateAsync({ generationId, reason });
              return refresh(`Refunded ${r.refunded} credits; the balance is now ${r.balance}.`);
            }}
          />
        ) : null}
      </div>
    </article>
  );
}

function Attempts({ attempts }: { attempts: Timeline["attempts"] }) {
  return (
    <section aria-label="Engine attempts" className="space-y-1">
      <h4 className="text-sm font-semibold">Attempts</h4>
      {attempts.length === 0 ? <p className="text-sm text-slate-500">No engine call yet.</p> : null}
      {attempts.length > 0 ? (
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 font-medium">#</th>
              <th className="py-1 font-medium">Engine</th>
              <th className="py-1 font-medium">Started</th>
              <th className="py-1 font-medium">Took</th>
              <th className="py-1 font-medium">HTTP</th>
              <th className="py-1 font-medium">Error</th>
              <th className="py-1 font-medium">Then waited</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a, i) => (
              <tr key={i} className="border-t border-slate-100" data-testid="timeline-attempt">
                <td className="py-1">{a.attempt}</td>
                <td className="py-1">{a.engine}</td>
                <td className="py-1">{when(a.startedAt)}</td>
                <td className="py-1 tabular-nums">{ms(a.durationMs)}</td>
                <td className="py-1">{a.httpStatus ?? (a.errorCode ? "—" : "ok")}</td>
                <td className="py-1">{a.errorCode ?? "—"}</td>
                <td className="py-1 tabular-nums">{ms(a.retryDelayMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Runs({ runs }: { runs: Timeline["runs"] }) {
  if (runs.source === "unavailable") {
    return (
      <section aria-label="Workflow runs" className="space-y-1">
        <h4 className="text-sm font-semibold">Runs</h4>
        <p className="text-sm text-slate-600">{runs.reason}</p>
      </section>
    );
  }
  return (
    <section aria-label="Workflow runs" className="space-y-2">
      <h4 className="text-sm font-semibold">Runs</h4>
      {runs.runs.length === 0 ? (
        <p className="text-sm text-amber-800" data-testid="no-run">
          No run: the executor never received its start event. Re-drive it.
        </p>
      ) : null}
      {runs.runs.map((r) => (
        <div key={r.id} className="space-y-1" data-testid="timeline-run" data-run-status={r.status}>
          <p className="text-xs">
            Run <code>{r.id}</code> <Badge tone={r.status === "failed" || r.status === "cancelled" ? "danger" : r.status === "completed" ? "success" : "info"}>{r.status}</Badge> · {r.calls} calls, {r.retries} retries · {ms(r.durationMs)}
          </p>
          <ol className="ml-4 list-decimal text-xs">
            {r.steps.map((s) => (
              <li key={s.id}>
                {s.name ?? s.op} — {s.status}
                {s.attempts > 1 ? ` after ${s.attempts} attempts` : ""} · {ms(s.durationMs)}
                {s.error ? ` · ${String((s.error as { message?: unknown }).message ?? "")}` : ""}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
