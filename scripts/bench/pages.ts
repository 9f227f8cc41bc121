import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scratchDatabase } from "../../test/helpers/db";
import { runChild } from "./stats";

/** A gallery of thousands: see pages-child.ts. Targets: first page ≤ 50 ms of server time, ≤ 30 KB gzipped. */
export const PAGE_TARGETS = { serverMs: 50, gzipBytes: 30 * 1024 };

interface Measured {
  samples: number;
  serverP50Ms: number;
  serverP95Ms: number;
  serverMaxMs: number;
  roundTripP50Ms: number;
  gzipBytes: number;
  bytes: number;
}

export async function benchPages(options: { samples: number }) {
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-pages-"));
  const scratchDb = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL, "bench_pages") : null;
  try {
    const r = await runChild<{ database: string; avatars: number; pageSize: number; avatarListCold: Measured; avatarListWarm: Measured; generationList: Measured }>(
      "pages-child.ts",
      [],
      {
        PGLITE_DIR: path.join(scratch, "pglite"),
        DATA_DIR: path.join(scratch, "data"),
        STORAGE_DIR: path.join(scratch, "storage"),
        BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
        BENCH_SAMPLES: String(options.samples),
        LOG_LEVEL: "warn",
        ...(scratchDb && { DATABASE_URL: scratchDb.url }),
      },
    );
    const ok = (m: Measured) => m.serverP95Ms <= PAGE_TARGETS.serverMs && m.gzipBytes <= PAGE_TARGETS.gzipBytes;
    return { ...r, targets: PAGE_TARGETS, met: { avatarListCold: ok(r.avatarListCold), avatarListWarm: ok(r.avatarListWarm), generationList: ok(r.generationList) } };
  } finally {
    await scratchDb?.drop().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
}
