import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getServices } from "./services";

/** For server components: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser() {
  const { auth } = await getServices();
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect("/sign-in");
  return session.user;
}

export async function currentUser() {
  const { auth } = await getServices();
  const session = await auth.api.getSession({ headers: await headers() });
  return session?.user ?? null;
}
