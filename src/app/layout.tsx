import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Avatar Studio",
  description: "Identity-preserving avatars from your own photos",
  icons: { icon: "/favicon.svg" },
};

/**
 * Rendered per request, every page: Next puts each request's CSP nonce (src/server/http) on the
 * scripts it writes, and a page prerendered at build time would carry none and be blocked.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
