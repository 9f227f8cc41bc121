import { redirect } from "next/navigation";
import { AuthForm } from "~/components/auth/AuthForm";
import { currentUser } from "~/server/session";

export const dynamic = "force-dynamic";

/** `?error=CODE`: where the form's no-JavaScript post comes back to when it failed (src/server/forms). */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (await currentUser()) redirect("/projects");
  const { error } = await searchParams;
  return <AuthForm mode="sign-in" errorCode={typeof error === "string" ? error.slice(0, 80) : undefined} />;
}
