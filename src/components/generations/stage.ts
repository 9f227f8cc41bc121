import { fluxLabel, photomakerLabel } from "~/server/engines/labels";
import { CANCELLED_BY_SUPPORT } from "~/server/failures";
import type { RouterOutputs } from "~/trpc/types";

/** How a generation's live stage reads to a person. */
export type GenerationItem = RouterOutputs["generation"]["list"]["items"][number];

export type StageTone = "neutral" | "info" | "warning" | "success" | "danger";

export interface StageText {
  title: string;
  detail: string | null;
  tone: StageTone;
  busy: boolean;
}

/** The image came from FLUX because PhotoMaker gave up (whatever engine ran FLUX). */
export function fluxStoodIn(g: Pick<GenerationItem, "attempts" | "engine">): boolean {
  return g.engine === "flux" || g.attempts.some((a) => a.engine === "flux" && a.errorCode === null);
}

/** Which model made it, and who served it ("PhotoMaker V1 via Replicate"), from the attempt that succeeded. */
export function engineLabel(g: Pick<GenerationItem, "attempts" | "engine">): string {
  if (g.engine === "offline") return fluxStoodIn(g) ? "Offline preview (FLUX stand-in)" : "Offline preview";
  const made = g.attempts.findLast((a) => a.errorCode === null);
  if (fluxStoodIn(g)) return `${fluxLabel(made?.provider)} (stand-in for PhotoMaker)`;
  return g.engine === "photomaker" ? photomakerLabel(made?.provider, made?.model) : "—";
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function inWords(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.round(m / 60)} h`;
}

export function describeStage(g: GenerationItem, now: number): StageText {
  switch (g.stage) {
    case "queued":
      return { title: "Queued", detail: "Waiting for a free slot…", tone: "neutral", busy: true };
    case "generating":
      return {
        title: "Generating",
        detail: g.stageDetail.reason ? `${g.stageDetail.reason}…` : "PhotoMaker is making your avatar…",
        tone: "info",
        busy: true,
      };
    case "retrying": {
      const at = g.stageDetail.nextAttemptAt ? new Date(g.stageDetail.nextAttemptAt) : null;
      const when = at ? ` Next try at ${at.toLocaleTimeString()} (in ${inWords(at.getTime() - now)}).` : "";
      return { title: "Retrying", detail: `${g.stageDetail.reason ?? "The image service had a problem"}.${when}`, tone: "warning", busy: true };
    }
    case "falling_back":
      return {
        title: "Falling back to FLUX",
        detail: `PhotoMaker didn't work out (${g.stageDetail.reason ?? "it kept failing"}). FLUX is making the picture instead; it keeps less of your likeness.`,
        tone: "warning",
        busy: true,
      };
    case "saving":
      return { title: "Saving", detail: "Saving your avatar…", tone: "info", busy: true };
    case "succeeded":
      return {
        title: "Done",
        detail: `Made by ${engineLabel(g)} in ${formatDuration(g.durationMs)}. It's in the gallery.`,
        tone: "success",
        busy: false,
      };
    case "failed":
      if (g.errorCode === "CANCELLED") return { title: "Cancelled", detail: CANCELLED_BY_SUPPORT, tone: "warning", busy: false };
      return { title: "Failed", detail: g.errorMessage ?? "The generation failed.", tone: "danger", busy: false };
  }
}

export const isFinished = (g: Pick<GenerationItem, "status">) => g.status === "succeeded" || g.status === "failed";
