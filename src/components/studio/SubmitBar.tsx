"use client";

import Link from "next/link";
import { useId } from "react";
import type { UploadProgress } from "~/trpc/upload-progress";
import { Button } from "../ui/Button";
import { ProgressBar } from "../ui/ProgressBar";

interface Props {
  /** The whole submission's cost (every avatar of a batch). */
  cost: number | null;
  /** How many avatars it makes. */
  count: number;
  balance: number | null;
  /** Why submitting is impossible right now, or null. */
  blocked: string | null;
  pending: boolean;
  progress: UploadProgress | null;
  photoCount: number;
}

/** Cost and balance after, the reason when submitting is blocked, and upload progress. */
export function SubmitBar({ cost, count, balance, blocked, pending, progress, photoCount }: Props) {
  const reasonId = useId();
  const short = cost !== null && balance !== null && balance < cost;
  return (
    <div className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-3" data-testid="cost-summary">
        <div>
          <dt className="text-slate-500">Cost</dt>
          <dd className="font-medium" data-testid="cost">
            {cost === null ? "—" : `${cost} credits`}
            {cost !== null && count > 1 ? <span className="font-normal text-slate-500"> ({count} avatars)</span> : null}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Balance</dt>
          <dd className="font-medium">{balance === null ? "…" : `${balance} credits`}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Balance after</dt>
          <dd className={`font-medium ${short ? "text-red-700" : ""}`} data-testid="balance-after">
            {cost === null || balance === null ? "—" : short ? `${cost - balance} credits short` : `${balance - cost} credits`}
          </dd>
        </div>
      </dl>
      {pending ? (
        <ProgressBar
          label={
            progress?.phase === "processing" || (progress && progress.total > 0 && progress.loaded >= progress.total)
              ? "Checking your photos and starting…"
              : `Uploading ${photoCount} ${photoCount === 1 ? "photo" : "photos"}…`
          }
          value={progress && progress.phase === "uploading" && progress.total > 0 ? progress.loaded / progress.total : null}
        />
      ) : null}
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <Button type="submit" disabled={Boolean(blocked) || pending} aria-describedby={blocked ? reasonId : undefined} className="sm:w-auto">
          {pending ? "Working…" : `Generate ${count > 1 ? `${count} avatars` : "avatar"}${cost === null ? "" : ` (${cost} credits)`}`}
        </Button>
        {blocked ? (
          <p id={reasonId} className="text-sm text-slate-600" data-testid="submit-blocked">
            {blocked}{" "}
            {short ? (
              <Link href="/credits" className="font-medium text-brand-700 underline">
                See your credits
              </Link>
            ) : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}
