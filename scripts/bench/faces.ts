/**
 * Face check benchmark: the submit path's face check (4 photos of one person at once, as a
 * generation request sends them: analysis in the worker + judging + face-centred crops), on the
 * fixtures made from @vladmandic/human's samples. Reports model load, p50/p95 per request, peak
 * RSS of the process (the worker thread included) and the main thread's event-loop delay p99
 * while it runs — the server's responsiveness. Writes .data/bench/faces.json.
 *
 *   npx tsx scripts/bench/faces.ts [--runs 20]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { checkFaces, createFaceRoom } from "../../src/server/faces";
import type { AcceptedPhoto } from "../../src/server/photos/intake";
import { person0OtherPhoto, personJpeg } from "../make-face-fixtures";
import { MB, percentile, round } from "./stats";

export interface FaceBenchResult {
  photos: number;
  runs: number;
  loadMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Per photo, in the worker (detect + mesh + description). */
  detectP50Ms: number;
  peakRssMb: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  cores: number;
  loadAverage: number;
}

/** Runs the benchmark in this process (the caller's RSS counts: run it in a child for a clean figure). */
export async function benchFaces(options: { runs?: number } = {}): Promise<FaceBenchResult> {
  const runs = options.runs ?? 20;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const room = createFaceRoom();
  try {
    const loadStarted = performance.now();
    await room.ready();
    const loadMs = performance.now() - loadStarted;

    const jpegs = [await personJpeg(0), await personJpeg(0, { mirrored: true, seed: 4 }), await person0OtherPhoto("close"), await personJpeg(0, { seed: 8 })];
    const photos: AcceptedPhoto[] = await Promise.all(
      jpegs.map(async (jpeg, i) => {
        const meta = await sharp(jpeg).metadata();
        return { field: `photo${i}`, number: i + 1, jpeg, width: meta.width!, height: meta.height!, warnings: [] };
      }),
    );

    const durations: number[] = [];
    const detections: number[] = [];
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await checkFaces(room, photos);
      durations.push(performance.now() - started);
      if (result.crops.length !== photos.length) throw new Error("face check lost a photo");
    }
    delay.disable();
    for (const jpeg of jpegs) detections.push((await room.analyze(jpeg)).ms);

    return {
      photos: photos.length,
      runs,
      loadMs: round(loadMs, 0),
      p50Ms: round(percentile(durations, 50), 0),
      p95Ms: round(percentile(durations, 95), 0),
      maxMs: round(Math.max(...durations), 0),
      detectP50Ms: round(percentile(detections, 50), 0),
      peakRssMb: round(peakRss / MB, 0),
      eventLoopDelayP99Ms: round(delay.percentile(99) / 1e6, 1),
      eventLoopDelayMaxMs: round(delay.max / 1e6, 1),
      cores: availableParallelism(),
      loadAverage: round(loadavg()[0] ?? 0, 1),
    };
  } finally {
    clearInterval(sampler);
    await room.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const index = process.argv.indexOf("--runs");
  const result = await benchFaces({ runs: index > 0 ? Number(process.argv[index + 1]) : undefined });
  const target = { p95Ms: 1200, eventLoopDelayP99Ms: 50 };
  console.table({
    "face check, 4 photos": {
      p50: `${result.p50Ms} ms`,
      p95: `${result.p95Ms} ms (target ≤ ${target.p95Ms})`,
      "per photo (worker)": `${result.detectP50Ms} ms`,
      "model load + warm-up": `${result.loadMs} ms`,
      "peak RSS": `${result.peakRssMb} MB`,
      "event-loop p99": `${result.eventLoopDelayP99Ms} ms (target ≤ ${target.eventLoopDelayP99Ms})`,
    },
  });
  console.log(`${result.runs} runs on ${result.cores} cores, load average ${result.loadAverage}`);
  mkdirSync(path.resolve(".data/bench"), { recursive: true });
  writeFileSync(path.resolve(".data/bench/faces.json"), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
}
