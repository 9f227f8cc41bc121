import { personJpeg, PEOPLE } from "../../scripts/make-face-fixtures";

/**
 * Real faces for tests, made in memory from @vladmandic/human's own sample pictures (see
 * scripts/make-face-fixtures.ts). Every photo of the same `person` passes the face check as the
 * same person; different `person`s are refused together as different people.
 */
export { PEOPLE };

const cache = new Map<string, Promise<Buffer>>();

/** A 768×1024 portrait of fixture person 0..5; `seed` changes the background only. */
export function facePhotoJpeg(person = 0, options: { seed?: number; width?: number; height?: number } = {}): Promise<Buffer> {
  const key = JSON.stringify([person, options]);
  let hit = cache.get(key);
  if (!hit) {
    hit = personJpeg(person, options);
    cache.set(key, hit);
  }
  return hit;
}
