"use client";

import { api } from "~/trpc/react";

const ENGINE_NAMES: Record<string, string> = { huggingface: "Hugging Face", replicate: "Replicate", offline: "this server" };

/** Which engine, model and version make the images these numbers are about (from system.health). */
export function EngineNote() {
  const health = api.system.health.useQuery(undefined, { staleTime: 60_000 });
  const engine = health.data?.engine;
  if (!engine) return null;
  return (
    <p className="text-sm text-slate-600" data-testid="metrics-engine">
      Images are made by <strong data-testid="engine-label">{engine.label ?? engine.name}</strong> on{" "}
      {ENGINE_NAMES[engine.name] ?? engine.name}
      {engine.model ? (
        <>
          {" "}
          (<code data-testid="engine-model">{engine.model}</code>
          {engine.version ? (
            <>
              , version <code data-testid="engine-version">{engine.version.slice(0, 12)}</code>
            </>
          ) : null}
          )
        </>
      ) : null}
      .{engine.alert ? <span className="ml-1 font-medium text-red-700">Operator alert: {engine.alert}</span> : null}
    </p>
  );
}
