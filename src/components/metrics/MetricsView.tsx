"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { Select } from "../ui/Select";
import { EngineNote } from "./EngineNote";
import { MetricsPanel } from "./MetricsPanel";

const WINDOWS = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "all", label: "All time" },
] as const;

/** The signed-in user's numbers, and for administrators everyone's. */
export function MetricsView({ isAdmin }: { isAdmin: boolean }) {
  const [window, setWindow] = useState<string>("30");
  const input = window === "all" ? {} : { days: Number(window) };
  const mine = api.metrics.mine.useQuery(input);
  const all = api.metrics.all.useQuery(input, { enabled: isAdmin });

  return (
    <div className="space-y-8">
      <div className="max-w-xs">
        <Select label="Period" options={WINDOWS} value={window} onChange={(e) => setWindow(e.target.value)} />
      </div>
      <EngineNote />
      <MetricsPanel title="Your generations" testId="metrics-mine" query={mine} />
      {isAdmin ? <MetricsPanel title="All users (admin)" testId="metrics-all" query={all} showUsers /> : null}
    </div>
  );
}
