import { describe, expect, it } from "vitest";
import { chooseUpload, fitWithin, formatUploadSaving, UPLOAD_JPEG_QUALITIES, UPLOAD_TARGET_BYTES, worthReencoding } from "~/components/studio/downscale";
import { JPEG_QUALITY_MIN, JPEG_QUALITY_START, TARGET_JPEG_BYTES } from "~/server/photos/limits";
import { checkFile, MAX_CHOSEN_PHOTO_BYTES, uploadProblem } from "~/components/studio/photos";

const MiB = 1024 * 1024;
const file = (bytes: number, name = "IMG_0001.JPG", type = "image/jpeg") => new File([new Uint8Array(bytes)], name, { type, lastModified: 1234 });

describe("fitWithin: ≤ 2048 px on the long side", () => {
  it.each([
    [{ width: 6000, height: 4000 }, { width: 2048, height: 1365 }],
    [{ width: 3000, height: 4000 }, { width: 1536, height: 2048 }],
    [{ width: 4032, height: 3024 }, { width: 2048, height: 1536 }],
    [{ width: 20000, height: 10 }, { width: 2048, height: 1 }],
    [{ width: 2048, height: 2048 }, { width: 2048, height: 2048 }],
    [{ width: 800, height: 600 }, { width: 800, height: 600 }],
  ])("%o → %o", (size, expected) => {
    expect(fitWithin(size)).toEqual(expected);
  });
});

describe("worthReencoding", () => {
  it("re-encodes a photo larger than 2048 px or heavier than 1 MB, and leaves a small, light one alone", () => {
    expect(worthReencoding({ width: 6000, height: 4000 }, 0.5 * MiB)).toBe(true);
    expect(worthReencoding({ width: 1600, height: 1200 }, 3 * MiB)).toBe(true);
    expect(worthReencoding({ width: 2048, height: 1536 }, MiB)).toBe(false);
    expect(worthReencoding({ width: 768, height: 1024 }, 200_000)).toBe(false);
  });
});

describe("chooseUpload: the original is sent unless the re-encode is smaller", () => {
  it("sends the smaller JPEG, typed as JPEG, under the name the user chose", () => {
    const original = file(9 * MiB, "IMG_0001.PNG", "image/png");
    const upload = chooseUpload(original, { kind: "encoded", blob: new Blob([new Uint8Array(900_000)]), width: 2048, height: 1365 });
    expect([upload.name, upload.type, upload.size, upload.lastModified]).toEqual(["IMG_0001.PNG", "image/jpeg", 900_000, 1234]);
  });

  it("keeps the original when the re-encode is not smaller, was not needed, or the browser could not decode it", () => {
    const original = file(500_000);
    expect(chooseUpload(original, { kind: "encoded", blob: new Blob([new Uint8Array(500_000)]), width: 1, height: 1 })).toBe(original);
    expect(chooseUpload(original, { kind: "kept" })).toBe(original);
    const heic = file(2 * MiB, "IMG_0002.HEIC", "image/heic");
    expect(chooseUpload(heic, { kind: "undecodable", reason: "The source image could not be decoded." })).toBe(heic);
  });
});

describe("formatUploadSaving: the line under the photos", () => {
  it("shows the total as chosen and as sent", () => {
    const photos = [9.6, 9.5, 9.6, 9.5].map((mb, i) => ({ originalBytes: mb * MiB, uploadBytes: [0.8, 0.7, 0.8, 0.8][i]! * MiB }));
    expect(formatUploadSaving(photos)).toBe("4 photos · 38.2 MB → 3.1 MB");
  });

  it("says one photo, shows no arrow when nothing got smaller, and says when photos are still being prepared", () => {
    expect(formatUploadSaving([{ originalBytes: 10 * MiB, uploadBytes: MiB }])).toBe("1 photo · 10.0 MB → 1.0 MB");
    expect(formatUploadSaving([{ originalBytes: 400_000, uploadBytes: 400_000 }])).toBe("1 photo · 0.4 MB");
    expect(formatUploadSaving([{ originalBytes: 5 * MiB, uploadBytes: MiB }, { originalBytes: 3 * MiB, uploadBytes: null }])).toBe("2 photos · 8.0 MB · preparing for upload…");
    expect(formatUploadSaving([])).toBeNull();
  });
});

describe("the picker lets HEIC through to the server", () => {
  it("takes .heic/.heif and image/heic, still refuses what is no photo at all", () => {
    expect(checkFile(file(2 * MiB, "IMG_0003.HEIC", "image/heic"))).toBeNull();
    expect(checkFile(file(2 * MiB, "IMG_0003.heif", ""))).toBeNull();
    expect(checkFile(file(10, "notes.txt", "text/plain"))).toBe('"notes.txt" is not a JPEG or PNG image');
  });
});

describe("the 10 MB limit is on what is sent", () => {
  it("takes a 12 MB phone JPEG when this browser shrinks photos, refuses it when it can't", () => {
    const phone = file(12 * MiB, "IMG_0004.JPG", "image/jpeg");
    expect(checkFile(phone, { canShrink: true })).toBeNull();
    expect(checkFile(phone)).toBe('"IMG_0004.JPG" is 12.0 MB; each photo must be under 10MB');
    // A HEIC is sent as chosen wherever it can't be decoded: the upload limit applies as it is.
    expect(checkFile(file(12 * MiB, "IMG_0005.HEIC", "image/heic"), { canShrink: true })).toBe('"IMG_0005.HEIC" is 12.0 MB; each photo must be under 10MB');
    expect(checkFile(file(MAX_CHOSEN_PHOTO_BYTES + 1, "huge.png", "image/png"), { canShrink: true })).toBe('"huge.png" is 40.1 MB; each photo must be under 40MB');
  });

  it("checks the file about to be sent: a shrunk one passes, an original the browser couldn't shrink is named", () => {
    expect(uploadProblem(0, file(1.2 * MiB, "IMG_0004.JPG", "image/jpeg"))).toBeNull();
    expect(uploadProblem(1, file(12 * MiB, "IMG_0004.JPG", "image/jpeg"))).toBe(
      "Photo 2 (IMG_0004.JPG) is 12.0 MB and this browser could not make it smaller; each photo must be under 10MB",
    );
  });
});

describe("the upload's JPEG qualities", () => {
  it("are the server's steps, best first, down to its floor, aiming under its size target", () => {
    expect(UPLOAD_JPEG_QUALITIES).toEqual([0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6]);
    expect(UPLOAD_JPEG_QUALITIES[0]! * 100).toBe(JPEG_QUALITY_START);
    expect(UPLOAD_JPEG_QUALITIES.at(-1)! * 100).toBe(JPEG_QUALITY_MIN);
    expect(UPLOAD_TARGET_BYTES).toBe(TARGET_JPEG_BYTES);
  });
});
