"use client";

import Link from "next/link";
import { Suspense } from "react";
import { api } from "~/trpc/react";
import { VerifyEmailBanner } from "../account/VerifyEmailBanner";
import { SignOutButton } from "../auth/SignOutButton";

export function AppHeader({ email }: { email: string }) {
  const balance = api.credits.balance.useQuery();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <Link href="/projects" className="text-lg font-semibold text-brand-700">
          Avatar Studio
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1 text-sm">
          <Link href="/projects" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
            Projects
          </Link>
          <Link href="/credits" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
            Credits
          </Link>
          <Link href="/metrics" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
            Metrics
          </Link>
        </nav>
        <div className="flex items-center gap-3 text-sm">
          <span
            data-testid="credit-balance"
            className="rounded-full bg-brand-50 px-3 py-1 font-medium text-brand-700"
            aria-live="polite"
          >
            {balance.data ? `${balance.data.balance} credits` : "… credits"}
          </span>
          <span className="hidden text-slate-500 sm:inline">{email}</span>
          <Link href="/settings" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
            Settings
          </Link>
          <SignOutButton />
        </div>
      </div>
      <Suspense fallback={null}>
        <VerifyEmailBanner />
      </Suspense>
    </header>
  );
}
