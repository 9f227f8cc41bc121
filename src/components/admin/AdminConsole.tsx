"use client";

import { useState } from "react";
import { AuditLog } from "./AuditLog";
import { GenerationsPanel } from "./GenerationsPanel";
import { UsersPanel } from "./UsersPanel";

const TABS = [
  { id: "users", label: "Users" },
  { id: "generations", label: "Generations" },
  { id: "audit", label: "Audit" },
] as const;
type Tab = (typeof TABS)[number]["id"];

/** The operations console: accounts, generations across users, and the audit of what support did. */
export function AdminConsole() {
  const [tab, setTab] = useState<Tab>("users");
  const [generation, setGeneration] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      <nav aria-label="Console sections" className="flex gap-2 border-b border-slate-200">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            aria-current={tab === t.id ? "page" : undefined}
            onClick={() => setTab(t.id)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab === t.id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </button>
        ))}
      </nav>
      {tab === "users" ? (
        <UsersPanel
          onOpenGeneration={(id) => {
            setGeneration(id);
            setTab("generations");
          }}
        />
      ) : null}
      {tab === "generations" ? <GenerationsPanel selected={generation} onSelect={setGeneration} /> : null}
      {tab === "audit" ? <AuditLog /> : null}
    </div>
  );
}
