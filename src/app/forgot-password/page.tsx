import Link from "next/link";
import { AuthCard } from "~/components/auth/AuthCard";
import { ForgotPasswordForm } from "~/components/auth/PasswordResetForms";
import { Alert } from "~/components/ui/Alert";

export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  invalid_email: "Please enter a valid email address.",
  rate_limited: "Too many requests from here; please wait a minute and try again.",
  failed: "Something went wrong. Please try again.",
};

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { sent, error } = await searchParams;
  return (
    <AuthCard
      title="Forgot your password?"
      footer={
        <>
          Remembered it? <Link className="font-medium text-brand-700 underline" href="/sign-in">Sign in</Link>
        </>
      }
    >
      {sent ? (
        <div data-testid="reset-sent">
          <Alert tone="success">
            If an account uses that address, a link to choose a new password is on its way. It works once, for an hour.
          </Alert>
        </div>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-slate-600">Enter your account&apos;s email address and we&apos;ll send you a link to choose a new password.</p>
          {error ? <Alert>{ERRORS[error] ?? ERRORS.failed}</Alert> : null}
          <ForgotPasswordForm />
        </div>
      )}
    </AuthCard>
  );
}
