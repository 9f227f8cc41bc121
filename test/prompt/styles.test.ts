import { describe, expect, it } from "vitest";
import { buildPrompt, DEFAULT_STYLE, findStyle, PHOTOGRAPHIC_STYLES, STYLE_NAMES, STYLE_PRESETS } from "~/server/prompt";

const triggers = (s: string) => s.match(/img/gi)?.length ?? 0;

describe("style presets (PhotoMaker demo data)", () => {
  it("has the demo's 11 presets in the demo's order", () => {
    expect(STYLE_NAMES).toEqual([
      "(No style)",
      "Cinematic",
      "Disney Character",
      "Digital Art",
      "Photographic (Default)",
      "Fantasy art",
      "Neonpunk",
      "Enhance",
      "Comic book",
      "Lowpoly",
      "Line art",
    ]);
  });

  it("keeps the demo's templates byte for byte (spot checks, incl. its double space)", () => {
    expect(findStyle("Photographic (Default)")).toMatchObject({
      prompt: "cinematic photo {prompt} . 35mm photograph, film, bokeh, professional, 4k, highly detailed",
      negativePrompt: "drawing, painting, crayon, sketch, graphite, impressionist, noisy, blurry, soft, deformed, ugly",
    });
    expect(findStyle("Fantasy art")?.prompt.startsWith("ethereal fantasy concept art of  {prompt} . magnificent")).toBe(true);
    expect(findStyle("(No style)")).toMatchObject({ prompt: "{prompt}", negativePrompt: "" });
    expect(findStyle("Digital Art")?.negativePrompt).toBe("photo, photorealistic, realism, ugly");
  });

  it.each(STYLE_PRESETS.map((p) => [p.name, p] as const))("%s: one {prompt} slot, a description, no trigger word", (_n, p) => {
    expect(p.prompt.split("{prompt}")).toHaveLength(2);
    expect(p.description.length).toBeGreaterThan(10);
    expect(p.description.length).toBeLessThan(80);
    expect(triggers(p.prompt) + triggers(p.negativePrompt)).toBe(0);
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(STYLE_PRESETS)).toBe(true);
    expect(Object.isFrozen(STYLE_PRESETS[0])).toBe(true);
  });

  it.each([
    ["Photographic (Default)", "Photographic (Default)"],
    ["photographic (default)", "Photographic (Default)"],
    ["  Comic   book ", "Comic book"],
    ["Disney Charactor", "Disney Character"], // the demo's spelling
    ["LINE ART", "Line art"],
    // without the "(Default)" suffix or the brackets, as the guide's users type them
    ["photographic", "Photographic (Default)"],
    ["Photographic", "Photographic (Default)"],
    ["no style", "(No style)"],
    ["cinematic", "Cinematic"],
    ["comic book", "Comic book"],
  ])("findStyle(%j) → %s", (asked, name) => {
    expect(findStyle(asked)?.name).toBe(name);
  });

  it.each(["", " ", "()", "Pixel art", "business professional", "professional", "{prompt}", "default"])("findStyle(%j) → undefined", (asked) => {
    expect(findStyle(asked)).toBeUndefined();
  });

  it("the default style is a real preset", () => {
    expect(findStyle(DEFAULT_STYLE)?.name).toBe("Photographic (Default)");
  });
});

describe("each preset applied by buildPrompt", () => {
  it.each(STYLE_PRESETS.map((p) => [p.name, p] as const))("%s wraps the scene in its template", (name, preset) => {
    const built = buildPrompt({ prompt: "wearing a suit", gender: "woman", style: name });
    const [head = "", tail = ""] = preset.prompt.split("{prompt}");
    expect(built.style).toBe(name);
    expect(built.prompt.startsWith(head)).toBe(true);
    expect(built.prompt.endsWith(tail)).toBe(true);
    const photographic = PHOTOGRAPHIC_STYLES.has(name);
    const subject = photographic ? "a photo of a woman img, wearing a suit, professional portrait photography" : "a woman img, wearing a suit, high quality";
    expect(built.prompt.slice(head.length, built.prompt.length - tail.length)).toMatch(new RegExp(`^${subject.replace(/[()]/g, "\\$&")}`));
    expect(built.prompt.includes("professional portrait photography")).toBe(photographic);
    // every preset negative term is present, after the 28 face terms
    for (const term of preset.negativePrompt.split(",").map((t) => t.trim()).filter(Boolean)) {
      expect(built.negativePrompt.split(", ")).toContain(term);
    }
    expect(triggers(built.prompt)).toBe(1);
    expect(triggers(built.fluxPrompt)).toBe(0);
  });

  it.each(["", undefined, "   "])("style %j → the default preset", (style) => {
    expect(buildPrompt({ prompt: "x", style }).style).toBe(DEFAULT_STYLE);
  });

  it("a style that names no preset is the user's words on the default preset (style-choice.test.ts)", () => {
    expect(buildPrompt({ prompt: "wearing a suit", style: "Pixel art" })).toMatchObject({ style: DEFAULT_STYLE, styleNotes: "Pixel art" });
  });
});
