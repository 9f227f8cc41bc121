"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/types";
import { engineLabel, formatDuration } from "../generations/stage";
import { tierLabel } from "../studio/TierPicker";
import { Alert } from "../ui/Alert";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { Dialog } from "../ui/Dialog";
import type { AvatarItem } from "./Gallery";
import { likenessText } from "./likeness";

/** What the studio offers for "generate again": the photos it still holds, and the call. */
export interface GenerateAgain {
  photoCount: number;
  balance: number | null;
  pending: boolean;
  run: (generationId: string) => Promise<boolean>;
}

/**
 * The full-size avatar with its prompt, style, tier, seed, engine and time; download, delete, again.
 * The gallery's list is slim, so the generation's details load here, for the opened avatar only.
 */
export function AvatarDetail({
  avatar: a,
  projectId,
  generateAgain,
  onClose,
}: {
  avatar: AvatarItem;
  projectId: string;
  generateAgain: GenerateAgain;
  onClose: () => void;
}) {
  const utils = api.useUtils();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const details = api.generation.get.useQuery({ id: a.generationId });
  const remove = api.avatar.delete.useMutation({
    onSuccess: async () => {
      onClose();
      await Promise.all([utils.avatar.list.invalidate({ projectId }), utils.project.list.invalidate()]);
    },
  });
  const g = details.data;
  const short = !!g && generateAgain.balance !== null && generateAgain.balance < g.creditCost;

  async function again() {
    setNote(null);
    if (!g) return;
    if (generateAgain.photoCount === 0) {
      setNote("Add your photos in the picker first: we don't keep them after a run, so \"generate again\" sends them again.");
      return;
    }
    if (await generateAgain.run(g.id)) onClose();
  }

  return (
    <Dialog title={a.name} onClose={onClose}>
      <div className="grid gap-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="relative">
          {/* eslint-disable-next-line @next/next/no-img-element -- owner-only route */}
          <img src={a.imageUrl} alt={`Avatar: ${a.name}, full size`} width={a.width} height={a.height} className="h-auto w-full rounded-md bg-slate-100" />
          {a.offlinePreview ? (
            <Badge tone="warning" className="absolute left-2 top-2">
              Offline preview — not made by PhotoMaker
            </Badge>
          ) : null}
        </div>
        <div className="space-y-4">
          {g ? (
            <Facts avatar={a} generation={g} />
          ) : details.error ? (
            <Alert>{details.error.message}</Alert>
          ) : (
            <p className="text-sm text-slate-500">Loading details…</p>
          )}
          <div className="flex flex-wrap gap-2">
            {/* The server names the file (avatar-<id>.<ext>). */}
            <a
              href={a.imageUrl}
              download
              className="inline-flex items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
            >
              Download
            </a>
            <Button variant="secondary" disabled={!g || generateAgain.pending || short} onClick={() => void again()}>
              {generateAgain.pending ? "Starting…" : g ? `Generate again (${g.creditCost} credits)` : "Generate again"}
            </Button>
            {confirming ? (
              <span className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm delete">
                <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: a.id })}>
                  Yes, delete
                </Button>
                <Button variant="ghost" onClick={() => setConfirming(false)}>
                  Keep it
                </Button>
              </span>
            ) : (
              <Button variant="ghost" onClick={() => setConfirming(true)}>
                Delete
              </Button>
            )}
          </div>
          <p className="text-xs text-slate-500">
            Generate again uses the same prompt, style, tier and seed{g ? ` (${g.settings.seed})` : ""} with the photos chosen above
            {generateAgain.photoCount ? ` (${generateAgain.photoCount})` : ""}.
          </p>
          {short && g ? <Alert tone="info">Not enough credits to generate this again ({g.creditCost} needed).</Alert> : null}
          {note ? <Alert tone="info">{note}</Alert> : null}
          {remove.error ? <Alert>{remove.error.message}</Alert> : null}
        </div>
      </div>
    </Dialog>
  );
}

/** The generation's settings and run, from generation.get. */
function Facts({ avatar: a, generation: g }: { avatar: AvatarItem; generation: RouterOutputs["generation"]["get"] }) {
  const s = g.settings;
  const persona = [s.personaName, s.personaAge ? `${s.personaAge} years old` : null, s.gender, s.ageRange, s.ethnicity].filter(Boolean).join(", ");
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm" data-testid="avatar-facts">
      <dt className="text-slate-500">Prompt</dt>
      <dd className="break-words">{s.prompt}</dd>
      {persona ? (
        <>
          <dt className="text-slate-500">Persona</dt>
          <dd>{persona}</dd>
        </>
      ) : null}
      <dt className="text-slate-500">Style</dt>
      <dd>{s.styleNotes ? `${s.style} · ${s.styleNotes}` : s.style}</dd>
      <dt className="text-slate-500">Strength</dt>
      <dd>{s.styleStrength.toFixed(2)}</dd>
      <dt className="text-slate-500">Tier</dt>
      <dd>
        {tierLabel(g.tier)} · {a.width}×{a.height}
      </dd>
      <dt className="text-slate-500">Seed</dt>
      <dd data-testid="avatar-seed">{s.seed}</dd>
      <dt className="text-slate-500">Engine</dt>
      <dd>{engineLabel(g)}</dd>
      <dt className="text-slate-500">Time taken</dt>
      <dd>{formatDuration(g.durationMs)}</dd>
      <dt className="text-slate-500">Likeness</dt>
      <dd>
        <span data-testid="avatar-likeness">{likenessText(a)}</span>
        {a.identityLabel ? (
          <>
            {" · "}
            <span data-testid="avatar-identity">{a.identityLabel}</span>
          </>
        ) : null}
      </dd>
      {s.negativePrompt ? (
        <>
          <dt className="text-slate-500">Negative</dt>
          <dd className="break-words">{s.negativePrompt}</dd>
        </>
      ) : null}
      <dt className="text-slate-500">Created</dt>
      <dd>{a.createdAt.toLocaleString()}</dd>
    </dl>
  );
}
