/**
 * A labelled progress bar. Without `value` it is indeterminate (an animated stripe, and no
 * aria-valuenow, so screen readers say "busy" rather than a made-up percentage).
 */
export function ProgressBar({ label, value }: { label: string; value?: number | null }) {
  const known = typeof value === "number" && Number.isFinite(value);
  const percent = known ? Math.max(0, Math.min(100, Math.round(value * 100))) : null;
  return (
    <div className="space-y-1">
      <div className="flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        {percent !== null ? <span aria-hidden="true">{percent}%</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={known ? 0 : undefined}
        aria-valuemax={known ? 100 : undefined}
        aria-valuenow={percent ?? undefined}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        {percent !== null ? (
          <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${percent}%` }} />
        ) : (
          <div className="h-full w-1/3 animate-pulse rounded-full bg-brand-500" />
        )}
      </div>
    </div>
  );
}
