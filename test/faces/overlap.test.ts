import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFaces, createFaceRoom, FaceRoomError, startFaceCheck, type FaceRoom } from "~/server/faces";
import { intakePhotos, PhotoRejectedError, type IncomingPhoto } from "~/server/photos/intake";
import { person0OtherPhoto, personJpeg } from "../../scripts/make-face-fixtures";

/**
 * The face check overlaps the intake (src/server/generations/submit.ts): each photo goes to the
 * worker as soon as it is clean. The verdict is the same as checking afterwards, and a refusal by
 * the intake after a photo already went to the worker leaves nothing dangling.
 */
let room: FaceRoom;
let incoming: IncomingPhoto[];
beforeAll(async () => {
  room = createFaceRoom();
  const [a, b, c] = await Promise.all([personJpeg(0), person0OtherPhoto("close"), person0OtherPhoto("suit"), room.ready()]);
  incoming = [a!, b!, c!].map((bytes, i) => ({ field: `photo${i}`, filename: `me-${i + 1}.jpg`, bytes }));
}, 120_000);
afterAll(() => room?.close());

describe("the face check during the intake", () => {
  it("gets each photo before the intake has read the next, and judges as the check afterwards does", async () => {
    const handed: Array<{ number: number; intakeDone: boolean }> = [];
    let intakeDone = false;
    const check = startFaceCheck(room);
    const intake = await intakePhotos(incoming, {
      onAccepted: (photo) => {
        handed.push({ number: photo.number, intakeDone });
        check.add(photo);
      },
    }).finally(() => (intakeDone = true));
    expect(handed).toEqual([1, 2, 3].map((number) => ({ number, intakeDone: false })));

    const overlapped = await check.finish();
    const afterwards = await checkFaces(room, intake.photos);
    expect(overlapped.records).toEqual(afterwards.records);
    expect(overlapped.warnings).toEqual(afterwards.warnings);
    expect(overlapped.crops.map((c) => c.length)).toEqual(afterwards.crops.map((c) => c.length));
    expect(overlapped.records.map((r) => r.photo)).toEqual([1, 2, 3]);
  });

  it("a photo refused by the intake after another went to a failing face room: the photo's refusal, nothing unhandled", async () => {
    // A room whose worker can't start (no app at this root): every analysis it was handed fails.
    const empty = mkdtempSync(path.join(tmpdir(), "no-face-models-"));
    const broken = createFaceRoom({ root: empty });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const check = startFaceCheck(broken);
      const notAPhoto = { field: "photo1", filename: "notes.txt", bytes: new TextEncoder().encode("not a photo") };
      const refusal = await intakePhotos([incoming[0]!, notAPhoto], { onAccepted: check.add }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(PhotoRejectedError);
      expect((refusal as PhotoRejectedError).message).toBe("Photo 2 (notes.txt) is not a JPEG or PNG image");

      // The analysis handed over before the refusal fails too; nobody reads it, and that's fine.
      await expect(broken.ready()).rejects.toBeInstanceOf(FaceRoomError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await broken.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
