/** Small formatting shared by the console's panels. */

export const when = (d: Date | string | null | undefined) => (d ? new Date(d).toLocaleString() : "—");

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)} s`;
}

/** A before/after record in one line: `balance 100 → 150`. */
export function change(before: unknown, after: unknown): string {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .map((k) => (k in b && k in a ? `${k} ${show(b[k])} → ${show(a[k])}` : k in a ? `${k} ${show(a[k])}` : `${k} was ${show(b[k])}`))
    .join(", ");
}

const show = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null ? String(v) : JSON.stringify(v));
