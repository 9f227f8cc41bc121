"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink, httpLink, httpSubscriptionLink, isNonJsonSerializable, splitLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "~/server/api/root";
import { UPLOAD_ID_HEADER, xhrFetch } from "./upload-progress";

export const api = createTRPCReact<AppRouter>();

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000 } } }));
  const [client] = useState(() =>
    api.createClient({
      links: [
        // Subscriptions (live generation status) are server-sent events.
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          // FormData (photo uploads) cannot be batched: it goes through a plain link of its own,
          // on XMLHttpRequest so the upload's progress can be shown (see upload-progress.ts).
          false: splitLink({
            condition: (op) => isNonJsonSerializable(op.input),
            true: httpLink({
              url: "/api/trpc",
              transformer: { serialize: (d) => d, deserialize: superjson.deserialize },
              fetch: xhrFetch,
              headers: ({ op }): Record<string, string> =>
                typeof op.context.uploadId === "string" ? { [UPLOAD_ID_HEADER]: op.context.uploadId } : {},
            }),
            false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
          }),
        }),
      ],
    }),
  );
  return (
    <api.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </api.Provider>
  );
}
