/**
 * One side of the intake benchmark in a process of its own:
 *   node --import tsx scripts/bench/intake-child.ts <sharp|intake> <reps> <file>…
 * Each rep handles the 4 photos one after another (as the intake does). Prints one JSON line:
 * the rep times, the peak RSS of this process (VmHWM) and its RSS before any work.
 */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { intakePhotos } from "../../src/server/photos/intake";

const [mode, repsArg, ...files] = process.argv.slice(2);
const reps = Number(repsArg);
const photos = files.map((f) => readFileSync(f));
const baselineRssMB = process.memoryUsage.rss() / 2 ** 20;

/**
 * Peak RSS of this process: VmHWM, which starts afresh at exec. (getrusage's maxRSS would not do:
 * on Linux it keeps the parent's RSS at fork time, and the parent made 24 MP pictures.)
 */
function peakRssMB(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error("no VmHWM in /proc/self/status (Linux only)");
  return Number(kb) / 1024;
}

/** The bare pipeline: decode, rotate (EXIF), resize to fit 2048, encode JPEG. */
async function bare() {
  for (const bytes of photos) {
    await sharp(bytes).rotate().resize({ width: 2048, height: 2048, fit: "inside", withoutEnlargement: true }).jpeg().toBuffer();
  }
}

async function intake() {
  const result = await intakePhotos(photos.map((bytes, i) => ({ field: `photo${i}`, filename: `camera-${i + 1}.jpg`, bytes })));
  if (result.photos.length !== photos.length) throw new Error("intake dropped a photo");
}

const once = mode === "intake" ? intake : mode === "sharp" ? bare : null;
if (!once) throw new Error(`unknown mode ${mode}`);
await once(); // warm-up: libvips and JIT (its memory still counts in the peak)
const timesMs: number[] = [];
for (let i = 0; i < reps; i++) {
  const started = performance.now();
  await once();
  timesMs.push(performance.now() - started);
}
console.log(JSON.stringify({ timesMs, maxRssMB: peakRssMB(), baselineRssMB }));
