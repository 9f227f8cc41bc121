"use client";

import { useState, type FormEvent } from "react";
import { api } from "~/trpc/react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { NEEDS_JAVASCRIPT_ACTION, NeedsJavaScript } from "../ui/NeedsJavaScript";
import { useHydrated } from "../ui/useHydrated";
import { NewToken } from "./NewToken";
import { TokenRow } from "./TokenRow";

/** Personal API tokens for the REST API: create (shown once), list, revoke. */
export function ApiTokens() {
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const tokens = api.apiToken.list.useQuery();
  const create = api.apiToken.create.useMutation({
    onSuccess: async (result) => {
      setCreated({ name: name.trim(), token: result.token });
      setName("");
      await utils.apiToken.list.invalidate();
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    create.mutate({ name });
  }

  return (
    <section aria-labelledby="api-tokens-heading" className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div className="space-y-1">
        <h2 id="api-tokens-heading" className="text-lg font-semibold">
          API tokens
        </h2>
        <p className="text-sm text-slate-600">
          Scripts and other backends call the REST API with{" "}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code>. A token acts as you: it
          spends your credits. Revoke it here and it stops working at once.
        </p>
      </div>

      <NeedsJavaScript what="Creating a token" />
      <form method="post" action={NEEDS_JAVASCRIPT_ACTION} onSubmit={onSubmit} className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="flex-1">
          <Field
            label="Token name"
            name="name"
            placeholder="e.g. Nightly build"
            hint="So you can tell your tokens apart."
            value={name}
            maxLength={60}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <Button type="submit" disabled={!hydrated || create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </Button>
      </form>
      {create.error ? <Alert>{create.error.message}</Alert> : null}
      {created ? <NewToken name={created.name} token={created.token} onDone={() => setCreated(null)} /> : null}

      {tokens.isPending ? (
        <p className="text-sm text-slate-500">Loading tokens…</p>
      ) : tokens.error ? (
        <Alert>{tokens.error.message}</Alert>
      ) : tokens.data.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">No API tokens yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Your API tokens</caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">Name</th>
                <th scope="col" className="py-2 pr-4 font-medium">Token</th>
                <th scope="col" className="py-2 pr-4 font-medium">Created</th>
                <th scope="col" className="py-2 pr-4 font-medium">Last used</th>
                <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <TokenRow key={t.id} token={t} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
