/** Where a form can't work without JavaScript (it says so to a browser that has it off). */
export const NEEDS_JAVASCRIPT_ACTION = "/api/forms/needs-javascript";

export function NeedsJavaScript({ what }: { what: string }) {
  return (
    <noscript>
      <p role="note" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
        {what} needs JavaScript. Turn it on in your browser to use it.
      </p>
    </noscript>
  );
}
