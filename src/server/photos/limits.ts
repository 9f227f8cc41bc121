/**
 * Every limit of the photo intake, one line each. Imported wherever a limit is needed (intake,
 * messages, the operator check), so a number is never repeated.
 */

const MiB = 1024 * 1024;

/** PhotoMaker takes 1–4 ID images; more adds cost and little identity. */
export const MAX_PHOTOS = 4;
/** Per photo, on the wire: a 48 MP phone JPEG is ~6–9 MB, and it bounds the request body. */
export const MAX_PHOTO_BYTES = 10 * MiB;
/** Decompression bombs: 50 MP covers full-resolution 48/50 MP phone photos (8160×6120 = 49.9 MP)
 * while capping decoded memory near 150 MB (8-bit RGB); a 20000×20000 PNG is 48 KB on disk. */
export const MAX_INPUT_PIXELS = 50_000_000;
/** Longest side sent to the model; more costs upload time and gives no better identity. */
export const MAX_OUTPUT_SIDE = 2048;
/** Re-encoded JPEG size target: fast to store, upload to the endpoint and send again on retry. */
export const TARGET_JPEG_BYTES = 1 * MiB;
/** First JPEG quality tried: visually lossless for faces. */
export const JPEG_QUALITY_START = 90;
/** Quality drops by this much per try while the JPEG is over the target. */
export const JPEG_QUALITY_STEP = 5;
/** Below this, JPEG artefacts damage facial detail; shrink the image instead. */
export const JPEG_QUALITY_MIN = 60;
/** Each shrink after the quality floor keeps this share of each side (only very noisy photos). */
export const JPEG_SHRINK_FACTOR = 0.85;
/** Shorter side under this → "small photo" warning: PhotoMaker crops faces to 512 px. */
export const WEAK_MIN_SIDE = 512;
/** Mean lightness (0–255, L*-based greyscale) under this → "very dark" (≈ L* 20; typical 90–150). */
export const DARK_MEAN_MAX = 50;
/** Lightness standard deviation under this → "very flat" (typical photos are 40–70). */
export const FLAT_STDEV_MAX = 15;
/** Display names in messages are cut to this many characters (names are user-controlled). */
export const MAX_FILENAME_CHARS = 80;
/** Left-out photos named one by one in the warning, then "and N more". */
export const MAX_NAMED_LEFT_OUT = 5;

/** "10MB", for messages. */
export const MAX_PHOTO_SIZE_LABEL = `${MAX_PHOTO_BYTES / MiB}MB`;
/** "50 MP", for messages. */
export const MAX_INPUT_PIXELS_LABEL = `${MAX_INPUT_PIXELS / 1_000_000} MP`;
