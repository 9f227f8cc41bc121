/**
 * The summary CI ends with. Its reports come from real runs of Vitest, Playwright (tests that
 * need no browser) and the Python runner's format, on tiny suites written here, so a change in a
 * reporter's JSON shows up as a failure of this file rather than as a wrong count in CI.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarize } from "../../scripts/test-summary";

let dir: string;
const reports = { vitest: "", playwright: "", python: "", missing: "" };

beforeAll(() => {
  mkdirSync(".data", { recursive: true });
  dir = mkdtempSync(path.resolve(".data/summary-"));
  const vitestDir = path.join(dir, "vitest");
  mkdirSync(vitestDir);
  writeFileSync(
    path.join(vitestDir, "cases.check.ts"),
    `import { describe, expect, it } from "vitest";
describe("sums", () => {
  it("adds", () => expect(1 + 1).toBe(2));
  it("subtracts", () => expect(2 - 1).toBe(3));
  it("waits", { timeout: 100 }, () => new Promise((resolve) => setTimeout(resolve, 2_000)));
});`,
  );
  writeFileSync(path.join(vitestDir, "vitest.config.mjs"), `export default { test: { include: ["*.check.ts"] } };\n`);
  writeFileSync(path.join(vitestDir, "broken.check.ts"), `throw new Error("cannot load this file");\n`);
  reports.vitest = path.join(dir, "vitest.json");
  spawnSync("npx", ["vitest", "run", "--root", vitestDir, "--config", path.join(vitestDir, "vitest.config.mjs"), "--reporter=json", `--outputFile.json=${reports.vitest}`], {
    stdio: "ignore",
    env: { ...process.env, CI: "true" },
  });

  const playwrightDir = path.join(dir, "playwright");
  mkdirSync(playwrightDir);
  writeFileSync(path.join(playwrightDir, "playwright.config.ts"), `export default { testDir: ".", retries: 0, workers: 1 };\n`);
  writeFileSync(
    path.join(playwrightDir, "cases.spec.ts"),
    `import { expect, test } from "@playwright/test";
test("passes", () => expect(2).toBe(2));
test("multiplies", () => expect(2 * 2).toBe(5));`,
  );
  reports.playwright = path.join(dir, "playwright.json");
  spawnSync("npx", ["playwright", "test", "--config", path.join(playwrightDir, "playwright.config.ts"), "--reporter=json"], {
    stdio: "ignore",
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: reports.playwright },
  });

  // The Python runner writes Vitest's keys and its failures' names (inference/photomaker-v2/run_tests.py).
  reports.python = path.join(dir, "python.json");
  writeFileSync(
    reports.python,
    JSON.stringify({ numPassedTests: 20, numFailedTests: 1, failures: ["inference/photomaker-v2 › test_handler.T.test_x"] }),
  );
  reports.missing = path.join(dir, "never-written.json");
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("test summary", () => {
  it("counts a real Vitest run, a file that could not load as a failure, and names each, a timeout as one", () => {
    const result = summarize([reports.vitest]);
    expect(result).toMatchObject({ passed: 1, failed: 3, missing: [] });
    expect(result.failures).toHaveLength(3);
    expect(result.failures.find((f) => f.includes("sums waits"))).toMatch(/cases\.check\.ts › sums waits: timed out after 0\.\d s$/);
    expect(result.failures.find((f) => f.includes("sums subtracts"))).toMatch(/cases\.check\.ts › sums subtracts: .*expected 1 to be 3/);
    expect(result.failures.find((f) => f.includes("broken"))).toMatch(/broken\.check\.ts \(the file failed outside its tests\): .*cannot load this file/);
  });

  it("counts a real Playwright run and names its failure with the first line of the error", () => {
    const result = summarize([reports.playwright]);
    expect(result).toMatchObject({ passed: 1, failed: 1 });
    expect(result.failures).toEqual([expect.stringMatching(/cases\.spec\.ts › multiplies: Error: expect\(received\)\.toBe\(expected\)/)]);
  });

  it("sums every report, counts a missing one as a failure, and ends with the plain line", () => {
    const all = [reports.vitest, reports.python, reports.playwright, reports.missing];
    expect(summarize(all)).toMatchObject({ passed: 22, failed: 6, missing: [reports.missing] });
    const printed = execFileSync("npx", ["tsx", "scripts/test-summary.ts", ...all], { encoding: "utf8" }).trimEnd().split("\n");
    expect(printed.at(-1)).toBe("22 passed, 6 failed");
    expect(printed.filter((l) => l.startsWith("  ✗ "))).toHaveLength(6);
    expect(printed.join("\n")).toContain("✗ inference/photomaker-v2 › test_handler.T.test_x");
  });

  it("refuses a file that is neither report", () => {
    const other = path.join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ hello: "world" }));
    expect(() => summarize([other])).toThrow("Not a Vitest or Playwright JSON report");
  });
});
