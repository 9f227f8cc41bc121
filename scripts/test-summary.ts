/**
 * Sums the JSON reports of Vitest, Playwright and the Python handler tests into one plain line,
 * "N passed, N failed", and names each failure just above it: CI shows only the tail of its log,
 * so the tail must say what failed. A test file that could not even load, and a Playwright run
 * error outside any test (a web server that never came up), count as failures too.
 * Usage: tsx scripts/test-summary.ts <report.json>…   (a missing report counts as one failure)
 */
import { existsSync, readFileSync } from "node:fs";

export interface Counts {
  passed: number;
  failed: number;
  /** One line per failure: where, what, and the first line of why. */
  failures: string[];
}

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const firstLine = (text: unknown): string =>
  String(text ?? "")
    .replace(/\u001b\[[0-9;]*m/g, "") // reporters colour their messages
    .split("\n")
    .map((line) => line.trim())
    .find(Boolean)
    ?.slice(0, 300) ?? "";
const line = (where: string, why: unknown) => [where, firstLine(why)].filter(Boolean).join(": ");

function vitestCounts(r: Json): Counts {
  const failures: string[] = [];
  let unloaded = 0;
  for (const file of list(r.testResults)) {
    const name = String(file.name ?? "").replace(`${process.cwd()}/`, "");
    const tests = list(file.assertionResults);
    for (const test of tests) {
      if (test.status !== "failed") continue;
      // Vitest's JSON keeps only a timeout's stack, whose first line is this placeholder.
      const why = firstLine(list(test.failureMessages)[0]);
      const timedOut = why === "Error: STACK_TRACE_ERROR" && typeof test.duration === "number";
      failures.push(line(`${name} › ${test.fullName ?? test.title}`, timedOut ? `timed out after ${((test.duration as number) / 1000).toFixed(1)} s` : why));
    }
    // A file that failed before any of its tests ran (an import error, a failing beforeAll).
    if (file.status === "failed" && !tests.some((test) => test.status === "failed")) {
      unloaded += 1;
      failures.push(line(`${name} (the file failed outside its tests)`, file.message));
    }
  }
  // Python's report has the counts and, since it names them, a list of failures.
  for (const name of (r.failures as string[] | undefined) ?? []) failures.push(name);
  return { passed: Number(r.numPassedTests), failed: Number(r.numFailedTests ?? 0) + unloaded, failures };
}

function playwrightCounts(r: Json, stats: { expected: number; flaky?: number; unexpected?: number }): Counts {
  const failures: string[] = [];
  const walk = (suite: Json, file: string) => {
    const here = String(suite.file ?? file);
    for (const spec of list(suite.specs)) {
      for (const test of list(spec.tests)) {
        if (test.status !== "unexpected") continue;
        const results = list(test.results);
        const error = (results[results.length - 1]?.error ?? {}) as Json;
        failures.push(line(`${here} › ${spec.title}`, error.message));
      }
    }
    for (const child of list(suite.suites)) walk(child, here);
  };
  for (const suite of list(r.suites)) walk(suite, "");
  const runErrors = list(r.errors);
  for (const error of runErrors) failures.push(line("playwright (outside any test)", error.message));
  return {
    passed: stats.expected + (stats.flaky ?? 0), // "flaky" passed on retry (we run with no retries)
    failed: (stats.unexpected ?? 0) + runErrors.length,
    failures,
  };
}

export function countReport(report: unknown): Counts {
  const r = report as Json;
  // Vitest (Jest-compatible JSON), and inference/photomaker-v2/run_tests.py's report (same keys)
  if (typeof r.numPassedTests === "number") return vitestCounts(r);
  const stats = r.stats as Record<string, number> | undefined;
  if (stats && typeof stats.expected === "number") return playwrightCounts(r, { ...stats, expected: stats.expected });
  throw new Error("Not a Vitest or Playwright JSON report");
}

export function summarize(files: string[]): Counts & { missing: string[] } {
  const total = { passed: 0, failed: 0, failures: [] as string[], missing: [] as string[] };
  for (const file of files) {
    if (!existsSync(file)) {
      total.missing.push(file);
      total.failed += 1;
      total.failures.push(`${file}: missing report (the suite did not run to the end)`);
      continue;
    }
    const counts = countReport(JSON.parse(readFileSync(file, "utf8")));
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.failures.push(...counts.failures);
  }
  return total;
}

/** The list printed above the last line ("" when nothing failed). */
export function failureList(failures: string[]): string {
  return failures.length > 0 ? `\nFailed:\n${failures.map((f) => `  ✗ ${f}`).join("\n")}\n` : "";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = summarize(process.argv.slice(2));
  if (result.failures.length > 0) console.log(failureList(result.failures));
  console.log(`${result.passed} passed, ${result.failed} failed`);
}
