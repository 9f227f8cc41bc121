import { AppHeader } from "~/components/layout/AppHeader";
import { MetricsView } from "~/components/metrics/MetricsView";
import { isAdminEmail } from "~/server/accounts";
import { getServices } from "~/server/services";
import { requireUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function MetricsPage() {
  const user = await requireUser();
  const { env } = await getServices();
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-5xl space-y-6 px-4 py-8">
        <h1 className="text-2xl font-semibold">Metrics</h1>
        <MetricsView isAdmin={isAdminEmail(env.ADMIN_EMAILS, user.email)} />
      </main>
    </>
  );
}
