/**
 * Every number the face check decides with, one line each, calibrated on the fixtures that
 * scripts/make-face-fixtures.ts builds from @vladmandic/human's own sample pictures (cosines
 * measured with FaceRes, wasm backend; see docs/faces.md and test/faces/calibration.test.ts):
 *   same person, other photo or mirrored: 0.70–0.95 (a 40 px face upscaled: 0.56)
 *   different people: 0.27–0.57, one pair of look-alike young women 0.72
 */

/** Detections under this box score are ignored: false detections here score about 0.2–0.45. */
export const MIN_BOX_SCORE = 0.5;

/** A second face whose box side is at least this share of the largest one's: two people. */
export const SIMILAR_SIZE_RATIO = 0.6;

/** Face box side under this share of the photo's shorter side: "your face is small". */
export const SMALL_FACE_SHARE = 0.15;
/** …or under this many pixels in the accepted photo (PhotoMaker looks at faces at 224 px). */
export const SMALL_FACE_PX = 128;

/** Share of the 468 face-mesh points outside the photo from which a face counts as cut off. */
export const CUT_OFF_MESH_SHARE = 0.1;

/** Cosine between two photos' faces under this: clearly not the same person → refused. */
export const DIFFERENT_PERSON_BELOW = 0.5;
/** Under this (and not refused): borderline → a warning naming the photo. */
export const BORDERLINE_PERSON_BELOW = 0.65;

/** The face-centred crop: the face box grown to this many times its side, clamped to the photo. */
export const CROP_FACE_SCALE = 2.6;

/** Photos are analysed at most this size (longer side); boxes are scaled back to the photo. */
export const DETECT_MAX_SIDE = 1024;
