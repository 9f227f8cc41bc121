/**
 * `npm run bench`: photo intake vs bare sharp, orchestration overhead through the real executor,
 * the first page of avatar.list / generation.list in a project of 10,000 avatars, and four phone
 * photos uploaded over a 20 Mbit/s link in Chromium (originals vs shrunk in the browser). Prints a
 * table against the targets and writes .data/bench/results.json. Embedded PGlite by default;
 * DATABASE_URL=… for a PostgreSQL server (scratch databases, dropped afterwards).
 *
 *   npm run bench [-- --only intake,orchestration,pages,upload] [--quick]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { benchIntake } from "./intake";
import { benchOrchestration } from "./orchestration";
import { benchPages } from "./pages";
import { benchUpload } from "./upload";

const args = process.argv.slice(2);
const onlyArg = args.includes("--only") ? args[args.indexOf("--only") + 1] ?? "" : "intake,orchestration,pages,upload";
const only = new Set(onlyArg.split(","));
const quick = args.includes("--quick");

const out = path.resolve(".data/bench/results.json");
// With --only, the other sections' last figures are kept.
const previous = args.includes("--only") && existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>) : {};
const results: Record<string, unknown> = {
  ...previous,
  node: process.version,
  cpus: availableParallelism(),
  database: process.env.DATABASE_URL ? "postgres" : "pglite",
  loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  startedAt: new Date().toISOString(),
};
const rows: Array<{ measure: string; measured: string; target: string; met: string }> = [];
const mark = (ok: boolean) => (ok ? "yes" : "NO");

if (only.has("intake")) {
  console.error("intake: 4 × 6000×4000 JPEGs, intake vs bare sharp, each in child processes…");
  const r = await benchIntake({ rounds: quick ? 1 : 2, reps: quick ? 2 : 4 });
  results.intake = r;
  rows.push(
    { measure: "intake median (4 photos)", measured: `${r.intakeMedianMs} ms`, target: "", met: "" },
    { measure: "bare sharp median (4 photos)", measured: `${r.bareSharpMedianMs} ms`, target: "", met: "" },
    { measure: "intake / bare sharp", measured: `${r.ratio}×`, target: "≤ 1.4×", met: mark(r.met.ratio) },
    { measure: "intake peak RSS (whole process)", measured: `${r.intakePeakRssMB} MB`, target: "≤ 400 MB", met: mark(r.met.peakRss) },
    { measure: "bare sharp peak RSS", measured: `${r.bareSharpPeakRssMB} MB`, target: "", met: "" },
  );
}

if (only.has("orchestration")) {
  console.error("orchestration: zero-latency engine through the real executor at concurrency 1, 2, 8 (likeness measured), then 1 and 8 without…");
  const twoInstances = process.env.DATABASE_URL ? [8] : []; // several instances need PostgreSQL
  const r = await benchOrchestration({ seconds: quick ? 4 : 10, windows: quick ? 1 : 3, levels: [1, 2, 8], orchestrationOnly: [1, 8], twoInstances });
  results.orchestration = r;
  for (const l of r.levels) {
    const what = `concurrency ${l.concurrency}, ${l.likeness ? "likeness measured" : "orchestration only"}${l.instances > 1 ? `, ${l.instances} instances` : ""}`;
    rows.push(
      { measure: `overhead p50 / p95, ${what}`, measured: `${l.overheadP50Ms} / ${l.overheadP95Ms} ms`, target: "p95 ≤ 150 ms", met: mark(l.overheadP95Ms <= 150) },
      {
        measure: `generations/s, ${what} (${l.runs} runs)`,
        measured: l.windowGenerationsPerSecond.length > 1 ? `${l.generationsPerSecond} (windows ${l.windowGenerationsPerSecond.join(", ")})` : `${l.generationsPerSecond}`,
        target: "≥ 20",
        met: mark(l.generationsPerSecond >= 20),
      },
      {
        measure: `CPU per generation: this process / whole machine, ${what}`,
        measured: `${l.cpuMsPerGeneration} / ${l.machineCpuMsPerGeneration ?? "?"} ms (${results.cpus} CPUs allow ${l.cpuCeilingGenerationsPerSecond ?? "?"}/s)`,
        target: "",
        met: "",
      },
    );
  }
}

if (only.has("pages")) {
  console.error("pages: first page of avatar.list (cold and warm) and generation.list, 10,000 avatars, production tRPC handler…");
  const r = await benchPages({ samples: quick ? 30 : 100 });
  results.pages = r;
  for (const [label, m, met] of [
    ["avatar.list, cache missed", r.avatarListCold, r.met.avatarListCold],
    ["avatar.list, cached", r.avatarListWarm, r.met.avatarListWarm],
    ["generation.list", r.generationList, r.met.generationList],
  ] as const) {
    rows.push({
      measure: `${label}: first page of ${r.pageSize} of ${r.avatars}, server p50 / p95, gzipped`,
      measured: `${m.serverP50Ms} / ${m.serverP95Ms} ms, ${(m.gzipBytes / 1024).toFixed(1)} KB (${(m.bytes / 1024).toFixed(1)} KB raw)`,
      target: "≤ 50 ms, ≤ 30 KB",
      met: mark(met),
    });
  }
}

if (only.has("upload")) {
  console.error("upload: 4 × 12 MP JPEGs over a 20 Mbit/s uplink in Chromium, click → queued, originals vs shrunk in the browser…");
  const r = await benchUpload({ rounds: quick ? 1 : 3 });
  results.upload = r;
  const ready = r.shrunk.pickToReadyMedianMs;
  rows.push(
    { measure: `click → queued, ${r.photos} photos as chosen (${r.originals.requestMB} MB sent)`, measured: `${r.originals.clickToQueuedMedianMs} ms`, target: "", met: "" },
    { measure: `click → queued, shrunk in the browser (${r.shrunk.requestMB} MB sent)`, measured: `${r.shrunk.clickToQueuedMedianMs} ms`, target: "≤ 4000 ms", met: mark(r.met.target) },
    { measure: "shrinking 4 photos in the worker (pick → ready)", measured: ready === null ? "?" : `${ready} ms`, target: "", met: "" },
    { measure: "click → queued, clicked right after picking", measured: `${r.shrunkAtOnce.clickToQueuedMedianMs} ms`, target: "", met: "" },
    { measure: "click → queued, shrunk, no throttling", measured: `${r.shrunkUnthrottled.clickToQueuedMedianMs} ms`, target: "", met: "" },
    { measure: "the request's own server time, no throttling (intake, face check, charge)", measured: `${r.shrunkUnthrottled.serverMedianMs} ms`, target: "", met: "" },
  );
}

results.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
console.table(rows);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${out} (load average ${(results.loadAverageAtStart as number[]).join(" ")} → ${(results.loadAverageAtEnd as number[]).join(" ")} on ${results.cpus} CPUs)`);
process.exit(0);
