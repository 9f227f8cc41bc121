import type { EngineName } from "./types";

/**
 * Operator alerts an engine raises while serving generations: the provider's account is out of
 * credit (402). They are logged at error level where raised, and system.health reports the latest
 * one until the same engine serves an image again.
 *
 * Process memory, on globalThis: the workflow runs in Next's bundle and system.health in the
 * server script, each with its own copy of this module, in one process.
 */
export interface EngineAlert {
  engine: EngineName;
  code: string;
  detail: string;
  at: string;
}

const KEY = Symbol.for("avatar-studio.engine-alerts");
const holder = globalThis as { [KEY]?: Map<EngineName, EngineAlert> };
const alerts = (holder[KEY] ??= new Map());

export function raiseEngineAlert(alert: Omit<EngineAlert, "at">): EngineAlert {
  const raised = { ...alert, at: new Date().toISOString() };
  alerts.set(alert.engine, raised);
  return raised;
}

/** A served image shows the account works again. */
export function clearEngineAlert(engine: EngineName): void {
  alerts.delete(engine);
}

export function engineAlert(engine: EngineName): EngineAlert | null {
  return alerts.get(engine) ?? null;
}

/**
 * Failures only an operator can fix (credentials, the provider account's credit) become an alert:
 * one error-level log line with `alert` set (what log-based alerting keys on) and system.health
 * degraded until the engine serves an image again.
 */
export function alertIfOperatorProblem(
  engine: EngineName,
  failure: { code: string; detail?: string | undefined },
  log: { error(obj: object, msg: string): void },
): void {
  if (failure.code !== "PROVIDER_BILLING" && failure.code !== "AUTH_FAILED") return;
  const alert = raiseEngineAlert({ engine, code: failure.code, detail: failure.detail ?? failure.code });
  const what =
    failure.code === "PROVIDER_BILLING"
      ? "the provider's account is out of credit: generations fail and are refunded until it is paid"
      : "the provider rejected our credentials: generations fail and are refunded until the token is fixed";
  log.error({ alert: failure.code === "PROVIDER_BILLING" ? "provider-billing" : "provider-auth", ...alert }, `OPERATOR ALERT (${engine}): ${what}`);
}
