import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaceRoom, sharedFaceRoom, type FaceRoom } from "~/server/faces";
import { faceRoomFor } from "~/server/faces/room";
import { personJpeg } from "../../scripts/make-face-fixtures";

/** The worker: models run off the main thread, stay warm, and the room comes back after closing. */
let room: FaceRoom;
beforeAll(async () => {
  room = createFaceRoom();
  await room.ready();
}, 120_000);
afterAll(() => room?.close());

describe("face room", () => {
  it("is ready and warm after ready(), on the wasm backend", () => {
    expect(room.status()).toMatchObject({ state: "ready", backend: "wasm", error: null });
    expect(room.status().loadMs).toBeGreaterThan(0);
  });

  it("keeps the event loop free while it analyses four photos", async () => {
    const photos = await Promise.all([0, 1, 2, 3].map((p) => personJpeg(p)));
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const results = await Promise.all(photos.map((p) => room.analyze(p)));
    delay.disable();
    const longestDetection = Math.max(...results.map((r) => r.ms));
    // On the main thread, every detection would block the loop for its whole duration.
    expect(delay.max / 1e6).toBeLessThan(longestDetection);
    expect(results.map((r) => r.faces.length)).toEqual([1, 1, 1, 1]);
  });

  it("starts again after close()", async () => {
    const other = createFaceRoom();
    await other.ready();
    await other.close();
    expect(other.status().state).toBe("idle");
    expect((await other.analyze(await personJpeg(4))).faces).toHaveLength(1);
    await other.close();
  }, 120_000);

  it("is one shared room per process, and none with FACE_CHECK=off", () => {
    expect(sharedFaceRoom()).toBe(sharedFaceRoom());
    expect(faceRoomFor({ FACE_CHECK: "on" })).toBe(sharedFaceRoom());
    expect(faceRoomFor({ FACE_CHECK: "off" })).toBeNull();
  });
});
