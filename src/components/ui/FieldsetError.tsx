/** A fieldset's error, announced to screen readers; nothing when there is none. */
export function FieldsetError({ error }: { error?: string | null }) {
  return error ? (
    <p role="alert" className="mt-1 text-sm text-red-600">
      {error}
    </p>
  ) : null;
}
