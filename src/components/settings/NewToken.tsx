"use client";

import { useState } from "react";
import { Button } from "../ui/Button";

/** The token in full, this once: only its hash is kept, so it can't be shown again. */
export function NewToken({ name, token, onDone }: { name: string; token: string; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
      <p className="font-medium">Token “{name}” created. Copy it now: it won’t be shown again.</p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <label htmlFor="new-api-token" className="sr-only">
          New token
        </label>
        <input
          id="new-api-token"
          readOnly
          value={token}
          onFocus={(e) => e.currentTarget.select()}
          className="flex-1 rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-xs text-slate-900"
        />
        <Button
          type="button"
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard?.writeText(token).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
