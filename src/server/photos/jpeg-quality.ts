/**
 * The quality a JPEG was saved at, read from its luminance quantization table: the intake never
 * re-encodes above it (normalize.ts), because a q85 photo re-encoded at q90 gets bigger, not
 * better, and then needs a second pass to fit the size target. Browsers (and sharp) scale the
 * IJG reference table by the quality, so the ratio of the table's sum to the reference's sum
 * gives it back to within a point; a camera's own tables give the equivalent IJG quality.
 * Only a hint: undefined for anything unusual, and the bytes are untrusted, so every read is
 * bounds-checked and the walk stops at the first scan.
 */

/** Sum of the IJG reference luminance table (ITU-T T.81, Annex K, Table K.1). */
const IJG_LUMINANCE_SUM = 3688;

const SOI = 0xd8;
const DQT = 0xdb;
const SOS = 0xda;
const EOI = 0xd9;

/** Markers without a length field: SOI, EOI, RSTn and TEM. */
const standalone = (marker: number) => marker === SOI || marker === EOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

/** The IJG quality (1–100) whose table matches the JPEG's luminance table, or undefined. */
export function jpegQuality(bytes: Uint8Array): number | undefined {
  const table = luminanceTableSum(bytes);
  if (table === undefined || table <= 0) return undefined;
  // IJG: table = reference × scale / 100, scale = 200 − 2q (q ≥ 50) or 5000 / q (q < 50).
  const scale = (table * 100) / IJG_LUMINANCE_SUM;
  const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.min(100, Math.max(1, Math.round(quality)));
}

function luminanceTableSum(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== SOI) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (standalone(marker)) {
      at += 2;
      continue;
    }
    if (marker === SOS) return undefined; // the tables come before the first scan
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return undefined;
    if (marker === DQT) {
      // One segment may hold several tables: Pq (precision) and Tq (id) in one byte, then 64 values.
      let t = at + 4;
      while (t < end) {
        const precision = bytes[t]! >> 4;
        const id = bytes[t]! & 0x0f;
        const size = precision === 0 ? 64 : 128;
        if (t + 1 + size > end) return undefined;
        if (id === 0) {
          let sum = 0;
          for (let i = 0; i < 64; i++) sum += precision === 0 ? bytes[t + 1 + i]! : (bytes[t + 1 + 2 * i]! << 8) | bytes[t + 2 + 2 * i]!;
          return sum;
        }
        t += 1 + size;
      }
    }
    at = end;
  }
  return undefined;
}
