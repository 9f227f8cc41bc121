import sharp from "sharp";
import { noFaceJpeg, twoPeopleJpeg } from "../../scripts/make-face-fixtures";
import { cameraPhotoJpeg, type CameraPhotoOptions } from "../../test/helpers/camera-photo";
import { facePhotoJpeg } from "../../test/helpers/faces";

/**
 * Photo fixtures for the browser tests, in the shapes setInputFiles takes. The photos are real
 * faces (test/helpers/faces.ts: crops of the sample pictures @vladmandic/human ships, made in
 * memory), so they pass the face check the servers run with, as a user gets it: every `seed` is
 * fixture person 0 on a different background, the same person to the face check.
 */
export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A portrait of fixture person 0 (face about half the width); `seed` changes the background only. */
export function portrait(seed = 1, width = 768, height = 1024): Promise<Buffer> {
  return facePhotoJpeg(0, { seed, width, height });
}

export async function jpeg(name: string, seed = 1, width = 768, height = 1024): Promise<FilePayload> {
  return { name, mimeType: "image/jpeg", buffer: await portrait(seed, width, height) };
}

export async function png(name: string, seed = 2, width = 768, height = 1024): Promise<FilePayload> {
  return { name, mimeType: "image/png", buffer: await sharp(await portrait(seed, width, height)).png().toBuffer() };
}

/** Another fixture person (1..5): refused next to person 0 as a different person. */
export async function otherPersonJpeg(name: string, person = 3): Promise<FilePayload> {
  return { name, mimeType: "image/jpeg", buffer: await facePhotoJpeg(person) };
}

/** A real image with nobody in it (a soft gradient): the face check refuses it. */
export async function noFace(name = "landscape.jpg"): Promise<FilePayload> {
  return { name, mimeType: "image/jpeg", buffer: await noFaceJpeg("gradient") };
}

/** Two people of similar size side by side. */
export async function twoPeople(name = "friends.jpg"): Promise<FilePayload> {
  return { name, mimeType: "image/jpeg", buffer: await twoPeopleJpeg() };
}

export const textFile = (name = "notes.txt"): FilePayload => ({ name, mimeType: "text/plain", buffer: Buffer.from("not a photo") });

/** Named and typed like a JPEG, but not one: only the server (which reads the bytes) can tell. */
export const fakeJpeg = (name = "renamed.jpg"): FilePayload => ({
  name,
  mimeType: "image/jpeg",
  buffer: Buffer.from("<html>definitely not a jpeg</html>".repeat(20)),
});

/** Over the 10 MB limit (the browser refuses it before any upload). */
/** Named .jpg, `mb` megabytes of bytes no browser can decode (so none can shrink it). */
export const hugeJpeg = (name = "huge.jpg", mb = 11): FilePayload => ({ name, mimeType: "image/jpeg", buffer: Buffer.alloc(mb * 1024 * 1024, 1) });

/**
 * A camera photo of fixture person 0 as a phone writes it (test/helpers/camera-photo.ts):
 * 6000×4000 stored sideways with EXIF orientation 6, camera EXIF with GPS, ~9 MB of real JPEG.
 */
export async function cameraJpeg(name = "IMG_1234.JPG", options: CameraPhotoOptions = {}): Promise<FilePayload> {
  return { name, mimeType: "image/jpeg", buffer: await cameraPhotoJpeg(options) };
}

/** Named and typed as an iPhone's HEIC, with its file header (no browser here decodes it; the server refuses it). */
export const heicPhoto = (name = "IMG_0002.HEIC"): FilePayload => {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write("ftypheic", 4, "latin1");
  box.write("mif1heic", 16, "latin1");
  return { name, mimeType: "image/heic", buffer: Buffer.concat([box, Buffer.alloc(4096, 7)]) };
};
