/**
 * `npm test`: type check, Vitest (unit, router, executor and integration tests on PGlite), the
 * Python tests of the PhotoMaker V2 endpoint handler, then the Playwright browser tests in Debian's Chromium. Provisions Chromium when it can, or says
 * exactly what to install. Ends with one line: "N passed, N failed".
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { failureList, summarize } from "./test-summary";

const RESULTS = path.resolve(".data/test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function run(command: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status === 0;
}

function ensureChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (canInstall) {
    console.log(`Chromium not found at ${CHROMIUM}: installing Debian's chromium package…`);
    if (run("apt-get", ["update", "-qq"]) && run("apt-get", ["install", "-y", "-qq", "chromium"]) && existsSync(CHROMIUM)) return true;
  }
  console.error(
    `\nThe browser tests need Chromium at ${CHROMIUM}. Install it with:\n` +
      `  sudo apt-get update && sudo apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at a Chromium/Chrome binary. (Never 'playwright install': it downloads.)\n`,
  );
  return false;
}

rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });
const vitestJson = path.join(RESULTS, "vitest.json");
const playwrightJson = path.join(RESULTS, "playwright.json");

const pythonJson = path.join(RESULTS, "python.json");

const typesOk = run("npx", ["tsc", "--noEmit", "-p", "."]);
const unitOk = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
// Our PhotoMaker V2 endpoint handler (inference/photomaker-v2): standard-library Python 3 tests.
const pythonOk = run("python3", ["inference/photomaker-v2/run_tests.py", "--json", pythonJson]);
const browserOk = ensureChromium() && run("npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT: playwrightJson });

const total = summarize([vitestJson, pythonJson, playwrightJson]);
if (!typesOk) console.error("Type check failed.");
if (total.failures.length > 0) console.log(failureList(total.failures));
console.log(`\n${total.passed} passed, ${total.failed} failed`);
process.exit(typesOk && unitOk && pythonOk && browserOk && total.failed === 0 ? 0 : 1);
