import { AppHeader } from "~/components/layout/AppHeader";
import { BuyCredits } from "~/components/billing/BuyCredits";
import { PurchaseReturn } from "~/components/billing/PurchaseReturn";
import { CreditHistory } from "~/components/credits/CreditHistory";
import { requireUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function CreditsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requireUser();
  const { purchase, session_id: sessionId } = await searchParams;
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-4xl space-y-6 px-4 py-8">
        <h1 className="text-2xl font-semibold">Credits</h1>
        {purchase ? <PurchaseReturn outcome={purchase} sessionId={sessionId ?? null} /> : null}
        <BuyCredits />
        <CreditHistory />
      </main>
    </>
  );
}
