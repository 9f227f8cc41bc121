import { AppHeader } from "~/components/layout/AppHeader";
import { CreditHistory } from "~/components/credits/CreditHistory";
import { requireUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function CreditsPage() {
  const user = await requireUser();
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-4xl space-y-6 px-4 py-8">
        <h1 className="text-2xl font-semibold">Credits</h1>
        <CreditHistory />
      </main>
    </>
  );
}
