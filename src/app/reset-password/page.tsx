import Link from "next/link";
import { AuthCard } from "~/components/auth/AuthCard";
import { ResetPasswordForm } from "~/components/auth/PasswordResetForms";
import { Alert } from "~/components/ui/Alert";

export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  mismatch: "The two passwords are not the same.",
  too_short: "The password must be at least 8 characters.",
  too_long: "The password must be at most 128 characters.",
  rate_limited: "Too many attempts from here; please wait a minute and try again.",
};

/** Where the mailed link lands (better-auth checks the token first and adds it to this URL). */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { token, error, done } = await searchParams;
  const footer = (
    <>
      Back to <Link className="font-medium text-brand-700 underline" href="/sign-in">sign in</Link>
    </>
  );
  if (done) {
    return (
      <AuthCard title="Password changed" footer={footer}>
        <div data-testid="reset-done" className="space-y-4">
          <Alert tone="success">Your new password is set, and every session of your account was signed out.</Alert>
          <Link href="/sign-in" className="block text-center font-medium text-brand-700 underline">
            Sign in with your new password
          </Link>
        </div>
      </AuthCard>
    );
  }
  if (!token || error === "invalid_token" || error === "INVALID_TOKEN") {
    return (
      <AuthCard title="This link doesn't work" footer={footer}>
        <div data-testid="reset-invalid" className="space-y-4">
          <Alert>The link has expired or was already used. Links work once, for an hour.</Alert>
          <Link href="/forgot-password" className="block text-center font-medium text-brand-700 underline">
            Ask for a new link
          </Link>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" footer={footer}>
      <div className="space-y-4">
        {error ? <Alert>{ERRORS[error] ?? "Something went wrong. Please try again."}</Alert> : null}
        <ResetPasswordForm token={token} />
      </div>
    </AuthCard>
  );
}
