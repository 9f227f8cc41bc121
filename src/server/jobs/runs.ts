import type { RunView } from "~/executor";

/**
 * A generation's runs as the workflow engine knows them, for the operations console's timeline and
 * for deciding whether a run is lost. The local executor answers its read API (`GET /v0/runs`,
 * src/executor/views.ts) over HTTP, whichever thread or process it runs in. Hosted Inngest keeps
 * runs under ids of its own that the app never learns, so there the console points to its dashboard.
 */
export interface RunsReader {
  /** The runs started by the event the app sent with this id, newest first. */
  forEvent(eventKey: string): Promise<RunView[]>;
}

export type { RunView };

export function executorRunsReader(baseUrl: string): RunsReader {
  return {
    async forEvent(eventKey) {
      const url = `${baseUrl.replace(/\/+$/, "")}/v0/runs?eventKey=${encodeURIComponent(eventKey)}&limit=20`;
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`The executor's read API answered ${res.status} for ${url}`);
      return ((await res.json()) as { data: RunView[] }).data;
    },
  };
}

/** A run still able to do something (queued or running): re-sending its event must not start another. */
export const isLive = (run: Pick<RunView, "status">) => run.status === "queued" || run.status === "running";
