/**
 * Sums the JSON reports of Vitest, Playwright and the Python handler tests into one plain line, "N passed, N failed".
 * Usage: tsx scripts/test-summary.ts <report.json>…   (a missing report counts as one failure)
 */
import { existsSync, readFileSync } from "node:fs";

export interface Counts {
  passed: number;
  failed: number;
}

export function countReport(report: unknown): Counts {
  const r = report as Record<string, unknown>;
  if (typeof r.numPassedTests === "number") {
    // Vitest (Jest-compatible JSON), and inference/photomaker-v2/run_tests.py's report (same keys)
    return { passed: r.numPassedTests, failed: Number(r.numFailedTests ?? 0) };
  }
  const stats = r.stats as Record<string, number> | undefined;
  if (stats && typeof stats.expected === "number") {
    // Playwright: "unexpected" failed; "flaky" passed on retry (we run with no retries)
    return { passed: stats.expected + (stats.flaky ?? 0), failed: stats.unexpected ?? 0 };
  }
  throw new Error("Not a Vitest or Playwright JSON report");
}

export function summarize(files: string[]): Counts & { missing: string[] } {
  const total = { passed: 0, failed: 0, missing: [] as string[] };
  for (const file of files) {
    if (!existsSync(file)) {
      total.missing.push(file);
      total.failed += 1;
      continue;
    }
    const counts = countReport(JSON.parse(readFileSync(file, "utf8")));
    total.passed += counts.passed;
    total.failed += counts.failed;
  }
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = summarize(process.argv.slice(2));
  for (const file of result.missing) console.error(`missing report (suite did not run to the end): ${file}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
}
