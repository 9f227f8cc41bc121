"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { isFinished, type GenerationItem } from "./stage";

type Pages = { pages: Array<{ items: GenerationItem[]; nextCursor: string | null }>; pageParams: Array<string | null> };

/**
 * The project's generations, a page at a time (generation.list, newest first), kept current by
 * the server's push (generation.watch over SSE): a pushed view replaces its row in whichever
 * loaded page holds it, or, new to this page, goes on top of the first. A generation that ends
 * refreshes what it changed (gallery, balance, ledger, project card).
 */
export function useLiveGenerations(projectId: string) {
  const utils = api.useUtils();
  const input = { projectId };
  const list = api.generation.list.useInfiniteQuery(input, { getNextPageParam: (last) => last.nextCursor });
  const [connected, setConnected] = useState(false);

  /** Puts a view into the loaded pages: replaced where it is, else first on the first page. */
  function upsert(view: GenerationItem, keepNewer: boolean): { ended: boolean } {
    let ended = false;
    utils.generation.list.setInfiniteData(input, (old): Pages | undefined => {
      if (!old) return old; // not loaded yet: the first page will have it
      const before = old.pages.flatMap((p) => p.items).find((g) => g.id === view.id);
      if (before && keepNewer) return old;
      ended = isFinished(view) && (!before || !isFinished(before));
      if (before) {
        return { ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map((g) => (g.id === view.id ? view : g)) })) };
      }
      // Older than everything loaded while more pages wait: it is on a page not loaded yet.
      const loaded = old.pages.flatMap((p) => p.items);
      const oldest = loaded[loaded.length - 1];
      if (old.pages.at(-1)?.nextCursor && oldest && view.createdAt < oldest.createdAt) return old;
      const [first, ...rest] = old.pages;
      const items = [view, ...(first?.items ?? [])].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      return { ...old, pages: [{ items, nextCursor: first?.nextCursor ?? null }, ...rest] };
    });
    return { ended };
  }

  const subscription = api.generation.watch.useSubscription(
    { projectId },
    {
      onStarted: () => setConnected(true),
      onError: () => setConnected(false),
      onData: ({ data: view }) => {
        if (upsert(view, false).ended) {
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
    upsert(view, true);
  }

  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return { list, rows, add, live: connected && subscription.status !== "error" };
}
