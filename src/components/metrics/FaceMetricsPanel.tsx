"use client";

import type { RouterOutputs } from "~/trpc/types";
import { tierLabel } from "../studio/TierPicker";

type FaceNumbers = RouterOutputs["metrics"]["mine"]["faces"];

const REASONS: Record<string, string> = {
  no_face: "No face found",
  several_people: "More than one person",
  different_person: "A different person",
  small_face: "Face small in the picture",
  cut_off: "Face cut off at the edge",
  other_people: "Other people in the background",
  maybe_different_person: "Maybe a different person",
};

// Grouped by model family: PhotoMaker is V1 on Replicate, V2 on our endpoint.
const ENGINES: Record<string, string> = { photomaker: "PhotoMaker", flux: "FLUX (stand-in)", offline: "Offline preview" };

const reasonLabel = (reason: string) => REASONS[reason] ?? reason.replace(/_/g, " ");

function ReasonList({ testId, title, rows, unit }: { testId: string; title: string; rows: Array<{ reason: string; photos: number }>; unit: string }) {
  return (
    <div data-testid={testId}>
      <h4 className="mb-1 text-sm font-medium text-slate-700">{title}</h4>
      <ul className="space-y-0.5 text-sm">
        {rows.map((r) => (
          <li key={r.reason} className="flex justify-between gap-2 border-t border-slate-200 py-0.5" data-testid={`reason-${r.reason}`}>
            <span>{reasonLabel(r.reason)}</span>
            <span className="tabular-nums" data-testid="count" aria-label={`${r.photos} ${unit}`}>
              {r.photos}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The face check at upload: refusals and warnings by reason, and the likeness the results keep. */
export function FaceMetricsPanel({ faces, testId }: { faces: FaceNumbers; testId: string }) {
  return (
    <section aria-labelledby={`${testId}-title`} className="space-y-3" data-testid={testId}>
      <h3 id={`${testId}-title`} className="text-sm font-semibold text-slate-800">
        Face check <span className="font-normal text-slate-500">(all time)</span>
      </h3>
      <div className="grid gap-6 md:grid-cols-3">
        {faces.refusedByReason ? (
          <div>
            <ReasonList testId="face-refusals" title="Photos refused" rows={faces.refusedByReason} unit="photos refused" />
            {faces.refusalsSince ? (
              <p className="mt-1 text-xs text-slate-500">Since the server started ({faces.refusalsSince.toLocaleString()}); nothing was charged.</p>
            ) : null}
          </div>
        ) : (
          <div data-testid="face-refusals">
            <h4 className="mb-1 text-sm font-medium text-slate-700">Photos refused</h4>
            <p className="text-xs text-slate-500">Refused photos are never kept or charged, so they are only counted across all users.</p>
          </div>
        )}
        <ReasonList testId="face-warnings" title="Photos used with a warning" rows={faces.warningsByReason} unit="photos with this warning" />
        <div data-testid="face-likeness">
          <h4 className="mb-1 text-sm font-medium text-slate-700">Average likeness by engine and tier</h4>
          {faces.likenessByEngineAndTier.length === 0 ? (
            <p className="text-xs text-slate-500">No measured avatars yet.</p>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th className="py-1 font-medium">Engine</th>
                  <th className="py-1 font-medium">Tier</th>
                  <th className="py-1 font-medium">Avatars</th>
                  <th className="py-1 font-medium">Likeness</th>
                </tr>
              </thead>
              <tbody>
                {faces.likenessByEngineAndTier.map((r) => (
                  <tr
                    key={`${r.engine}-${r.tier}-${r.identityPreserving}`}
                    className="border-t border-slate-200"
                    data-testid={`likeness-${r.engine}-${r.tier}${r.identityPreserving ? "" : "-stand-in"}`}
                  >
                    <td className="py-1">
                      {ENGINES[r.engine] ?? r.engine}
                      {r.identityPreserving ? null : <span className="block text-xs text-amber-800">not identity-preserving</span>}
                    </td>
                    <td className="py-1">{tierLabel(r.tier)}</td>
                    <td className="py-1 tabular-nums" data-testid="avatars">
                      {r.avatars}
                    </td>
                    <td className="py-1 tabular-nums" data-testid="average">
                      {r.averageLikeness}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
