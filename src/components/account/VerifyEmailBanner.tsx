"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { api } from "~/trpc/react";

const SAID: Record<string, string> = {
  sent: "A new link is on its way to your inbox.",
  rate_limited: "Too many requests; please wait a minute before asking again.",
  failed: "We couldn't send the mail just now. Please try again.",
  done: "Your email address is verified. Thank you!",
};

/**
 * REQUIRE_EMAIL_VERIFICATION=on and the address is not verified yet: say what that blocks, and
 * offer the link again. "Send again" is a plain form post (src/server/account/forms.ts), so it
 * works before JavaScript has loaded too.
 */
export function VerifyEmailBanner() {
  const status = api.account.status.useQuery();
  const pathname = usePathname();
  const said = useSearchParams().get("verification");
  if (said === "done" && status.data?.emailVerified) {
    return <p className="bg-emerald-50 px-4 py-2 text-center text-sm text-emerald-900">{SAID.done}</p>;
  }
  if (!status.data || !status.data.verificationRequired || status.data.emailVerified) return null;
  return (
    <div role="status" data-testid="verify-banner" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
      <form method="post" action="/api/account/send-verification" className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2">
        <span>
          Please verify your email address: open the link we sent you. Until then you can look around, but not buy credits or make avatars.
          {said && SAID[said] ? <strong className="ml-1">{SAID[said]}</strong> : null}
        </span>
        <input type="hidden" name="returnTo" value={pathname} />
        <button type="submit" className="rounded-md bg-white px-3 py-1 font-medium ring-1 ring-amber-300 hover:bg-amber-100">
          Send again
        </button>
      </form>
    </div>
  );
}
