import { AppHeader } from "~/components/layout/AppHeader";
import { LeaveAccount } from "~/components/account/LeaveAccount";
import { ApiTokens } from "~/components/settings/ApiTokens";
import { requireUser } from "~/server/session";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const user = await requireUser();
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-5xl space-y-6 px-4 py-8">
        <h1 className="text-2xl font-semibold">Settings</h1>
        <ApiTokens />
        <LeaveAccount />
      </main>
    </>
  );
}
