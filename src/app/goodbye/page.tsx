import Link from "next/link";

export default function GoodbyePage() {
  return (
    <main className="mx-auto max-w-xl space-y-4 px-4 py-16 text-center" data-testid="goodbye">
      <h1 className="text-2xl font-semibold">Your account is deleted</h1>
      <p className="text-slate-600">Your avatars, photos, projects and credits are gone. Thank you for trying Avatar Studio.</p>
      <Link href="/sign-up" className="font-medium text-brand-700 underline">
        Create a new account
      </Link>
    </main>
  );
}
