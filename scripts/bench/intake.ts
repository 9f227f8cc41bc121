import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { MAX_PHOTO_BYTES } from "../../src/server/photos/limits";
import { MB, round, runChild } from "./stats";

/**
 * Photo intake against the bare sharp pipeline, on 4 camera-sized JPEGs (6000×4000, just under
 * the 10 MB limit). Each side runs in child processes of its own, so each peak RSS
 * (VmHWM) is that side's alone; the rounds alternate so background load hits both.
 */
export const PHOTO_DIR = path.resolve(".data/bench/photos");
const [WIDTH, HEIGHT] = [6000, 4000];
const TARGET_BYTES = 9.5 * MB;

/** Noise-rich pixels (JPEG can't squeeze noise), so the file is really ~10 MB like a camera's. */
async function cameraJpeg(seed: number): Promise<Buffer> {
  const band = Buffer.alloc(WIDTH * 200 * 3);
  let state = seed * 7919 + 1;
  for (let i = 0, x = 0; i < band.length; i += 3, x = (x + 1) % WIDTH) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const n = (state >>> 24) - 128;
    band[i] = 90 + ((x * 120) / WIDTH + n * 0.5 + seed * 20) % 160;
    band[i + 1] = 100 + ((n * 0.45) | 0);
    band[i + 2] = 80 + ((x * 60) / WIDTH - n * 0.4 + 40) % 150;
  }
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let offset = 0; offset < data.length; offset += band.length) band.copy(data, offset);
  const raw = sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
  // Highest quality that stays under the intake's byte limit: as big as an accepted photo gets.
  for (let quality = 98; quality >= 60; quality -= 2) {
    const jpeg = await raw.clone().jpeg({ quality }).withExif({ IFD0: { Make: "Bench", Model: "6000x4000" } }).toBuffer();
    if (jpeg.length <= MAX_PHOTO_BYTES && (jpeg.length <= TARGET_BYTES * 1.05 || quality <= 60)) return jpeg;
  }
  throw new Error("could not make a JPEG under the byte limit");
}

export async function ensurePhotos(): Promise<string[]> {
  mkdirSync(PHOTO_DIR, { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const file = path.join(PHOTO_DIR, `camera-${i}.jpg`);
    if (!existsSync(file) || statSync(file).size > MAX_PHOTO_BYTES) writeFileSync(file, await cameraJpeg(i));
    files.push(file);
  }
  return files;
}

interface ChildResult {
  timesMs: number[];
  maxRssMB: number;
  baselineRssMB: number;
}

export async function benchIntake(options: { rounds: number; reps: number }) {
  const files = await ensurePhotos();
  const sizes = files.map((f) => round(readFileSync(f).length / MB, 2));
  const sides = { sharp: { times: [] as number[], peak: 0, baseline: 0 }, intake: { times: [] as number[], peak: 0, baseline: 0 } };
  for (let r = 0; r < options.rounds; r++) {
    for (const mode of ["sharp", "intake"] as const) {
      const res = await runChild<ChildResult>("intake-child.ts", [mode, String(options.reps), ...files]);
      sides[mode].times.push(...res.timesMs);
      sides[mode].peak = Math.max(sides[mode].peak, res.maxRssMB);
      sides[mode].baseline = Math.max(sides[mode].baseline, res.baselineRssMB);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const sharpMs = med(sides.sharp.times);
  const intakeMs = med(sides.intake.times);
  return {
    photos: { count: files.length, width: WIDTH, height: HEIGHT, sizesMB: sizes },
    samplesPerSide: sides.sharp.times.length,
    bareSharpMedianMs: round(sharpMs),
    intakeMedianMs: round(intakeMs),
    ratio: round(intakeMs / sharpMs, 2),
    bareSharpPeakRssMB: round(sides.sharp.peak),
    intakePeakRssMB: round(sides.intake.peak),
    childBaselineRssMB: round(Math.max(sides.sharp.baseline, sides.intake.baseline)),
    targets: { ratioMax: 1.4, peakRssMBMax: 400 },
    met: { ratio: intakeMs / sharpMs <= 1.4, peakRss: sides.intake.peak <= 400 },
  };
}
