import { notFound } from "next/navigation";
import { AdminConsole } from "~/components/admin/AdminConsole";
import { AppHeader } from "~/components/layout/AppHeader";
import { isAdminEmail } from "~/server/accounts";
import { getServices } from "~/server/services";
import { currentUser } from "~/server/session";

export const dynamic = "force-dynamic";

/** The operations console: administrators (ADMIN_EMAILS) only; anyone else gets the same 404 as for a page that doesn't exist. */
export default async function AdminPage() {
  const user = await currentUser();
  const { env } = await getServices();
  if (!user || !isAdminEmail(env.ADMIN_EMAILS, user.email)) notFound();
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-8">
        <h1 className="text-2xl font-semibold">Operations</h1>
        <AdminConsole />
      </main>
    </>
  );
}
