"use client";

import { useEffect, useRef, useState } from "react";
import { api } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/types";
import { groupByBatch } from "../generations/batches";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { AvatarDetail, type GenerateAgain } from "./AvatarDetail";
import { likenessShort, likenessText, likenessTone } from "./likeness";

export type AvatarItem = RouterOutputs["avatar"]["list"]["items"][number];

/** The thumbnail's own width (src/server/images: thumbnails are 256 px). */
const THUMB_WIDTH = 256;

/**
 * The project's avatars, a page at a time (avatar.list, newest first): the next page loads as the
 * end of the grid scrolls into view, or with "Load more" (no IntersectionObserver, or by hand).
 * Thumbnails are lazy and sized with srcset; a batch's avatars are shown together.
 */
export function Gallery({ projectId, generateAgain }: { projectId: string; generateAgain: GenerateAgain }) {
  const avatars = api.avatar.list.useInfiniteQuery({ projectId }, { getNextPageParam: (last) => last.nextCursor });
  const [openId, setOpenId] = useState<string | null>(null);
  const items = avatars.data?.pages.flatMap((p) => p.items) ?? [];
  const open = items.find((a) => a.id === openId) ?? null;
  const more = useLoadMoreWhenVisible(avatars.hasNextPage && !avatars.isFetchingNextPage, () => void avatars.fetchNextPage());

  return (
    <section aria-labelledby="gallery-title" className="space-y-3">
      <h2 id="gallery-title" className="text-lg font-semibold">
        Gallery{" "}
        {avatars.data ? (
          <span className="text-sm font-normal text-slate-500">
            ({items.length}
            {avatars.hasNextPage ? "+" : ""})
          </span>
        ) : null}
      </h2>
      {avatars.error ? <Alert>{avatars.error.message}</Alert> : null}
      {avatars.data && items.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">
          Your avatars will appear here.
        </p>
      ) : null}
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" aria-label="Avatars">
        {groupByBatch(items).map((group) =>
          group.batchId ? (
            <li key={group.key} data-testid="avatar-batch" className="col-span-full rounded-md border border-dashed border-brand-300 p-2">
              <p className="pb-2 text-xs font-medium text-slate-600">Batch of {group.items.length}</p>
              <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" aria-label={`Batch of ${group.items.length}`}>
                {group.items.map((a) => (
                  <Tile key={a.id} avatar={a} onOpen={setOpenId} />
                ))}
              </ul>
            </li>
          ) : (
            <Tile key={group.key} avatar={group.items[0]!} onOpen={setOpenId} />
          ),
        )}
      </ul>
      {avatars.hasNextPage ? (
        <div ref={more} className="flex justify-center">
          <button
            type="button"
            className="text-sm font-medium text-brand-700 underline"
            disabled={avatars.isFetchingNextPage}
            onClick={() => void avatars.fetchNextPage()}
          >
            {avatars.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}
      {open ? (
        <AvatarDetail
          avatar={open}
          projectId={projectId}
          generateAgain={generateAgain}
          onClose={() => setOpenId(null)}
        />
      ) : null}
    </section>
  );
}

function Tile({ avatar: a, onOpen }: { avatar: AvatarItem; onOpen: (id: string) => void }) {
  return (
    <li data-testid="avatar-tile" className="overflow-hidden rounded-md bg-white ring-1 ring-slate-200">
      <button
        type="button"
        onClick={() => onOpen(a.id)}
        className="block w-full text-left focus-visible:outline-2 focus-visible:outline-brand-600"
        aria-label={`Open ${a.name}`}
      >
        <span className="relative block">
          {/* eslint-disable-next-line @next/next/no-img-element -- owner-only route, sized thumbnails */}
          <img
            src={a.thumbnailUrl}
            srcSet={`${a.thumbnailUrl} ${THUMB_WIDTH}w, ${a.imageUrl} ${a.width}w`}
            sizes="(min-width: 1024px) 25vw, (min-width: 640px) 33vw, 50vw"
            alt={`Avatar: ${a.name}`}
            loading="lazy"
            decoding="async"
            width={THUMB_WIDTH}
            height={THUMB_WIDTH}
            className="aspect-square w-full bg-slate-100 object-cover"
          />
          {a.offlinePreview ? (
            <Badge tone="warning" className="absolute left-1 top-1">
              Offline preview
            </Badge>
          ) : null}
        </span>
        <span className="block truncate px-2 pt-1 text-sm">{a.name}</span>
        <span className="flex flex-wrap gap-1 px-2 pb-1.5 pt-0.5">
          <Badge tone={likenessTone(a)}>
            <span data-testid="tile-likeness" title={`Likeness: ${likenessText(a)}`}>
              {likenessShort(a)}
            </span>
          </Badge>
          {a.identityLabel ? (
            <Badge tone="warning">
              <span data-testid="tile-identity">{a.identityLabel}</span>
            </Badge>
          ) : null}
        </span>
      </button>
    </li>
  );
}

/** A ref for the "Load more" row: while `enabled`, its scrolling into view (with a margin) loads. */
function useLoadMoreWhenVisible(enabled: boolean, load: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const el = ref.current;
    if (!enabled || !el || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadRef.current();
    }, { rootMargin: "600px 0px" });
    observer.observe(el);
    return () => observer.disconnect();
  }, [enabled]);
  return ref;
}
