"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/types";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { AvatarDetail, type GenerateAgain } from "./AvatarDetail";
import { likenessShort, likenessText, likenessTone } from "./likeness";

export type AvatarItem = RouterOutputs["avatar"]["list"][number];

/** The project's avatars: lazy thumbnails (slim tiles), a full view that loads the rest of each one. */
export function Gallery({ projectId, generateAgain }: { projectId: string; generateAgain: GenerateAgain }) {
  const avatars = api.avatar.list.useQuery({ projectId });
  const [openId, setOpenId] = useState<string | null>(null);
  const open = avatars.data?.find((a) => a.id === openId) ?? null;

  return (
    <section aria-labelledby="gallery-title" className="space-y-3">
      <h2 id="gallery-title" className="text-lg font-semibold">
        Gallery {avatars.data ? <span className="text-sm font-normal text-slate-500">({avatars.data.length})</span> : null}
      </h2>
      {avatars.error ? <Alert>{avatars.error.message}</Alert> : null}
      {avatars.data?.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">
          Your avatars will appear here.
        </p>
      ) : null}
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" aria-label="Avatars">
        {avatars.data?.map((a) => (
          <li key={a.id} data-testid="avatar-tile" className="overflow-hidden rounded-md bg-white ring-1 ring-slate-200">
            <button
              type="button"
              onClick={() => setOpenId(a.id)}
              className="block w-full text-left focus-visible:outline-2 focus-visible:outline-brand-600"
              aria-label={`Open ${a.name}`}
            >
              <span className="relative block">
                {/* eslint-disable-next-line @next/next/no-img-element -- owner-only route, sized thumbnails */}
                <img
                  src={a.thumbnailUrl}
                  alt={`Avatar: ${a.name}`}
                  loading="lazy"
                  decoding="async"
                  width={256}
                  height={256}
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
        ))}
      </ul>
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
