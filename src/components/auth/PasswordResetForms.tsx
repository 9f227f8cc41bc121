"use client";

import { Button } from "../ui/Button";
import { Field } from "../ui/Field";

/**
 * The password reset forms post straight to the server (src/server/account/forms.ts), which
 * answers with a redirect: they work the same before, after and without JavaScript, and the
 * email and passwords travel only in the POST body.
 */
export function ForgotPasswordForm() {
  return (
    <form method="post" action="/api/account/forgot-password" className="space-y-4">
      <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={320} />
      <Button type="submit" className="w-full">
        Email me a reset link
      </Button>
    </form>
  );
}

export function ResetPasswordForm({ token }: { token: string }) {
  return (
    <form method="post" action="/api/account/reset-password" className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" minLength={8} maxLength={128} required hint="At least 8 characters." />
      <Field label="New password again" name="confirm" type="password" autoComplete="new-password" minLength={8} maxLength={128} required />
      <Button type="submit" className="w-full">
        Set my new password
      </Button>
    </form>
  );
}
