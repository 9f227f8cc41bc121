"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { isFinished, type GenerationItem } from "./stage";

/**
 * The project's generations, kept current by the server's push (generation.watch over SSE):
 * each pushed view replaces its row in the generation.list cache, and a generation that ends
 * refreshes what it changed (gallery, balance, ledger, project card).
 */
export function useLiveGenerations(projectId: string) {
  const utils = api.useUtils();
  const list = api.generation.list.useQuery({ projectId });
  const [connected, setConnected] = useState(false);

  const subscription = api.generation.watch.useSubscription(
    { projectId },
    {
      onStarted: () => setConnected(true),
      onError: () => setConnected(false),
      onData: ({ data: view }) => {
        let ended = false;
        utils.generation.list.setData({ projectId }, (old) => {
          const rows = old ?? [];
          const before = rows.find((g) => g.id === view.id);
          ended = isFinished(view) && (!before || !isFinished(before));
          const next = before ? rows.map((g) => (g.id === view.id ? view : g)) : [view, ...rows];
          return next.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        });
        if (ended) {
          void utils.avatar.list.invalidate({ projectId });
          void utils.credits.balance.invalidate();
          void utils.credits.history.invalidate();
          void utils.project.list.invalidate();
        }
      },
    },
  );

  /**
   * A generation this page just started: shown at once. The stream may have pushed a newer view
   * of it before the mutation's answer arrived; that one stays.
   */
  function add(view: GenerationItem) {
    utils.generation.list.setData({ projectId }, (old) => (old?.some((g) => g.id === view.id) ? old : [view, ...(old ?? [])]));
  }

  return { list, add, live: connected && subscription.status !== "error" };
}
