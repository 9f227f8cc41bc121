/**
 * The face room: offline face detection and description (@vladmandic/human on wasm, in a worker
 * thread), the decisions made with it at upload, face-centred crops and the likeness score.
 * Everything else imports from here.
 */
export { checkFaces, startFaceCheck, type FaceCheckResult } from "./check";
export { cropRegion, cropToFace } from "./crop";
export { cosine, faceMessages, judgePhotos, meanEmbedding, type AnalysedPhoto, type FaceBox, type FoundFace, type Verdict } from "./judge";
export { likenessOf, mainFace, measureLikeness, type Likeness } from "./likeness";
export { faceCheckCounts, faceMetrics } from "./metrics";
export { createFaceRoom, faceRoomFor, FaceRoomError, sharedFaceRoom, type FaceRoom, type FaceRoomStatus, type PhotoAnalysis } from "./room";
