"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "~/lib/auth-client";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field } from "../ui/Field";
import { useHydrated } from "../ui/useHydrated";
import { AuthCard } from "./AuthCard";

/**
 * Sign-up and sign-in share one form; sign-up adds the name field. Hydrated, it signs in with the
 * auth client; before that (or without JavaScript) the browser posts it to /api/forms/<mode>,
 * which does the same through better-auth and comes back here with `errorCode` on failure.
 */
export function AuthForm({ mode, errorCode }: { mode: "sign-in" | "sign-up"; errorCode?: string }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(errorCode ? friendlyAuthError(errorCode, undefined) : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "").trim() || email.split("@")[0]! })
        : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      setError(friendlyAuthError(result.error.code, result.error.message));
      return;
    }
    router.push("/projects");
    router.refresh();
  }

  const signUp = mode === "sign-up";
  return (
    <AuthCard
      title={signUp ? "Create your account" : "Sign in"}
      footer={
        signUp ? (
          <>
            Already have an account? <Link className="font-medium text-brand-700 underline" href="/sign-in">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link className="font-medium text-brand-700 underline" href="/sign-up">Create an account</Link>
          </>
        )
      }
    >
      <form
        method="post"
        action={`/api/forms/${mode}`}
        onSubmit={onSubmit}
        className="space-y-4"
        aria-label={signUp ? "Create your account" : "Sign in"}
        data-hydrated={hydrated}
      >
        {signUp ? <Field label="Name" name="name" autoComplete="name" maxLength={100} /> : null}
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={signUp ? "new-password" : "current-password"}
          minLength={signUp ? 8 : undefined}
          required
          hint={signUp ? "At least 8 characters." : undefined}
        />
        {signUp ? null : (
          <p className="text-right text-sm">
            <Link className="text-brand-700 underline" href="/forgot-password">Forgot password?</Link>
          </p>
        )}
        {error ? <Alert>{error}</Alert> : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Please wait…" : signUp ? "Create account" : "Sign in"}
        </Button>
      </form>
    </AuthCard>
  );
}

function friendlyAuthError(code: string | undefined, message: string | undefined): string {
  switch (code) {
    case "INVALID_EMAIL_OR_PASSWORD":
      return "That email and password don't match an account.";
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return "An account with this email already exists. Sign in instead.";
    case "PASSWORD_TOO_SHORT":
      return "The password must be at least 8 characters.";
    case "INVALID_EMAIL":
      return "Please enter a valid email address.";
    case "TOO_MANY_REQUESTS":
      return "Too many attempts. Please wait a minute and try again.";
    default:
      return message || "Something went wrong. Please try again.";
  }
}
