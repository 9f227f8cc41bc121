import { redirect } from "next/navigation";
import { AuthForm } from "~/components/auth/AuthForm";
import { currentUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (await currentUser()) redirect("/projects");
  return <AuthForm mode="sign-up" />;
}
