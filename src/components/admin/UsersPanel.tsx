"use client";

import { useState, type FormEvent } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { useHydrated } from "../ui/useHydrated";
import { when } from "./format";
import { UserDetail } from "./UserDetail";

/** Find an account by email (any part) or id, then open it. */
export function UsersPanel({ onOpenGeneration }: { onOpenGeneration: (id: string) => void }) {
  const hydrated = useHydrated();
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const results = api.admin.users.useQuery({ query }, { enabled: query.length > 0 });

  function search(event: FormEvent) {
    event.preventDefault();
    setSelected(null);
    setQuery(text.trim());
  }

  return (
    <section aria-labelledby="users-title" className="space-y-4">
      <h2 id="users-title" className="text-lg font-semibold">
        Users
      </h2>
      <form method="post" onSubmit={search} className="flex flex-col gap-3 sm:flex-row sm:items-end" role="search">
        <div className="flex-1">
          <Field label="Email or user id" name="query" value={text} onChange={(e) => setText(e.target.value)} required maxLength={320} />
        </div>
        <Button type="submit" disabled={!hydrated || text.trim() === ""}>
          Find
        </Button>
      </form>
      {results.error ? <Alert>{results.error.message}</Alert> : null}
      {results.data && results.data.length === 0 ? <p className="text-sm text-slate-500">No account matches “{query}”.</p> : null}
      {results.data && results.data.length > 0 ? (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Accounts found</caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Email</th>
                <th scope="col" className="px-3 py-2 font-medium">Plan</th>
                <th scope="col" className="px-3 py-2 font-medium">Balance</th>
                <th scope="col" className="px-3 py-2 font-medium">Generations</th>
                <th scope="col" className="px-3 py-2 font-medium">Tokens</th>
                <th scope="col" className="px-3 py-2 font-medium">Signed up</th>
                <th scope="col" className="px-3 py-2"><span className="sr-only">Open</span></th>
              </tr>
            </thead>
            <tbody>
              {results.data.map((u) => (
                <tr key={u.id} className="border-t border-slate-100" data-testid="admin-user-row">
                  <td className="px-3 py-2 break-all">{u.email}</td>
                  <td className="px-3 py-2"><Badge>{u.plan}</Badge></td>
                  <td className="px-3 py-2 tabular-nums">{u.balance}</td>
                  <td className="px-3 py-2 text-xs text-slate-600">
                    {u.generations.succeeded} done · {u.generations.failed} failed · {u.generations.queued + u.generations.processing} running
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-600">
                    {u.tokens.count} {u.tokens.count === 1 ? "token" : "tokens"}
                    {u.tokens.lastUsedAt ? `, last used ${when(u.tokens.lastUsedAt)}` : ""}
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-600">{when(u.createdAt)}</td>
                  <td className="px-3 py-2">
                    <Button variant="secondary" onClick={() => setSelected(u.id)} aria-label={`Open ${u.email}`}>
                      Open
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected ? <UserDetail userId={selected} onOpenGeneration={onOpenGeneration} /> : null}
    </section>
  );
}
