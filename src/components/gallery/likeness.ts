import type { AvatarItem } from "./Gallery";

type LikenessFields = Pick<AvatarItem, "likeness" | "likenessStatus" | "identityLabel">;

/**
 * How much the avatar looks like the person in the photos, in words: the face check's score
 * (0–100: the result's face against the mean of the input faces), or why there is none.
 */
export function likenessText(a: LikenessFields): string {
  if (a.likenessStatus === "measured" && a.likeness !== null) return `${a.likeness}/100`;
  if (a.likenessStatus === "no_face") return "no face in the result";
  return "not measured";
}

/** A short tile label: "Likeness 87", "Likeness: no face", "Likeness: not measured". */
export function likenessShort(a: LikenessFields): string {
  if (a.likenessStatus === "measured" && a.likeness !== null) return `Likeness ${a.likeness}`;
  return a.likenessStatus === "no_face" ? "Likeness: no face" : "Likeness: not measured";
}

/** Tone for the tile badge: a clear likeness is good news, a weak one a caution. */
export function likenessTone(a: LikenessFields): "success" | "warning" | "neutral" {
  if (a.likenessStatus !== "measured" || a.likeness === null) return "neutral";
  return a.likeness >= 65 ? "success" : "warning";
}
