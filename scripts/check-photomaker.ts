/**
 * `npm run check:photomaker [-- --live]`: the seven integration checks against the configured
 * engine, one PASSED/FAILED line each; exits non-zero on any failure so it can gate a deploy.
 */
import { runPhotoMakerChecks } from "~/server/checks/photomaker";
import { env } from "~/server/env";

const live = process.argv.includes("--live");
const results = await runPhotoMakerChecks(env(), { live });
for (const r of results) console.log(`${r.passed ? "PASSED" : "FAILED"}  ${r.name}: ${r.detail}`);
const failed = results.filter((r) => !r.passed).length;
console.log(failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`);
process.exit(failed ? 1 : 0);
