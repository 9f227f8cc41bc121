import { describe, expect, it } from "vitest";
import { BadInputError } from "~/server/errors";
import {
  buildPrompt,
  DEFAULT_STYLE_STRENGTH,
  FACE_QUALITY_NEGATIVE_TERMS,
  findStyle,
  mergeNegative,
  styleStrengthToRatio,
} from "~/server/prompt";

const DEMO_DEFAULT =
  "nsfw, lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, fewer digits, cropped, worst quality, low quality, normal quality, jpeg artifacts, signature, watermark, username, blurry";

describe("face-quality negative terms", () => {
  it("are exactly 28, all different", () => {
    expect(FACE_QUALITY_NEGATIVE_TERMS).toHaveLength(28);
    expect(new Set(FACE_QUALITY_NEGATIVE_TERMS.map((t) => t.toLowerCase())).size).toBe(28);
  });

  it("start with the demo's default negative prompt, in its order", () => {
    expect(FACE_QUALITY_NEGATIVE_TERMS.slice(0, 18).join(", ")).toBe(DEMO_DEFAULT);
  });

  it.each(["deformed face", "asymmetric eyes", "cross-eyed", "poorly drawn face"])("include the face term %j", (term) => {
    expect(FACE_QUALITY_NEGATIVE_TERMS).toContain(term);
  });

  it("never contain the trigger word", () => {
    expect(FACE_QUALITY_NEGATIVE_TERMS.join(" ")).not.toMatch(/img/i);
  });
});

describe("mergeNegative", () => {
  it.each([
    [["a, b", "c"], "a, b, c"],
    [["a, b", "B, c"], "a, b, c"], // case
    [["blurry", "  blurry  ,ugly"], "blurry, ugly"], // spacing
    [["bad  anatomy", "bad anatomy"], "bad anatomy"], // inner spacing
    [["asymmetry", "(asymmetry)"], "asymmetry"], // the demo's weighting brackets
    [["a,,, ,b", ""], "a, b"], // empties
    [["", "", ""], ""],
    [["z, a", "a, z, m"], "z, a, m"], // first occurrence wins, order kept
  ])("%j → %j", (lists, expected) => {
    expect(mergeNegative(...lists)).toBe(expected);
  });
});

describe("negative prompt of buildPrompt", () => {
  it("is the 28 terms, then the preset's, then the user's — de-duplicated, in that order", () => {
    const built = buildPrompt({
      prompt: "wearing a suit",
      style: "Photographic (Default)",
      negativePrompt: "Blurry, ugly, open mouth, (hat), open mouth",
    });
    const preset = findStyle("Photographic (Default)")!.negativePrompt;
    expect(built.negativePrompt).toBe(
      `${FACE_QUALITY_NEGATIVE_TERMS.join(", ")}, drawing, painting, crayon, sketch, graphite, impressionist, noisy, soft, deformed, ugly, open mouth, (hat)`,
    );
    expect(preset).toContain("blurry"); // was dropped as a repeat of the 28, not lost
  });

  it("without a preset negative or a user one is just the 28 terms", () => {
    const built = buildPrompt({ prompt: "x", style: "(No style)" });
    expect(built.negativePrompt).toBe(FACE_QUALITY_NEGATIVE_TERMS.join(", "));
  });

  it("drops the Fantasy preset's own repeated term once", () => {
    const terms = buildPrompt({ prompt: "x", style: "Fantasy art" }).negativePrompt.split(", ");
    expect(terms.filter((t) => t === "deformed")).toHaveLength(1);
    expect(new Set(terms).size).toBe(terms.length);
  });

  it("cleans control characters out of the user's terms", () => {
    const built = buildPrompt({ prompt: "x", style: "(No style)", negativePrompt: "open\u0000 mouth,\n\thats" });
    expect(built.negativePrompt.endsWith(", open mouth, hats")).toBe(true);
  });
});

describe("styleStrength → PhotoMaker style_strength_ratio", () => {
  it.each([
    [0.5, 50],
    [0.95, 15],
    [0.725, 32.5],
    [0.6, 42.22],
    [0.89, 19.67],
    // clamped, never refused
    [0.49, 50],
    [0, 50],
    [-5, 50],
    [-Infinity, 50],
    [0.96, 15],
    [1, 15],
    [Infinity, 15],
  ])("%d → %d %", (strength, ratio) => {
    expect(styleStrengthToRatio(strength)).toBeCloseTo(ratio, 2);
  });

  it("is inverted and monotonic: more identity (higher strength) → lower ratio", () => {
    let previous = Number.POSITIVE_INFINITY;
    for (let s = 0.3; s <= 1.2; s += 0.01) {
      const r = styleStrengthToRatio(s);
      expect(r).toBeLessThanOrEqual(previous);
      expect(r).toBeGreaterThanOrEqual(15);
      expect(r).toBeLessThanOrEqual(50);
      previous = r;
    }
    for (let s = 0.5; s < 0.95; s += 0.05) {
      expect(styleStrengthToRatio(s + 0.05)).toBeLessThan(styleStrengthToRatio(s));
    }
  });

  it("the default strength is about the demo's default of 20 %", () => {
    expect(Math.abs(styleStrengthToRatio(DEFAULT_STYLE_STRENGTH) - 20)).toBeLessThan(1);
  });

  it.each([Number.NaN, "0.7" as unknown as number])("refuses %j with the field", (bad) => {
    expect(() => styleStrengthToRatio(bad)).toThrow(BadInputError);
    try {
      styleStrengthToRatio(bad);
    } catch (e) {
      expect((e as BadInputError).field).toBe("styleStrength");
    }
  });
});
