import { describe, expect, it } from "vitest";
import { BadInputError } from "~/server/errors";
import { buildPrompt, DEFAULT_STYLE, resolveStyle, styleNoteWords } from "~/server/prompt";

/** The form's `style`: a preset's name picks it; anything else is the user's words about the look. */
describe("resolveStyle", () => {
  it.each([
    ["Cinematic", "Cinematic"],
    ["comic book", "Comic book"],
    ["photographic", DEFAULT_STYLE],
    [undefined, DEFAULT_STYLE],
    ["", DEFAULT_STYLE],
  ])("%j picks the preset %s, with no notes", (style, preset) => {
    expect(resolveStyle(style)).toEqual({ preset: expect.objectContaining({ name: preset }), notes: null });
  });

  it.each([
    ["business professional", "business professional"],
    ["professional", "professional"],
    ["  Warm,   film-like (soft) ", "Warm film-like soft"],
  ])("%j is a note on the default preset: %j", (style, notes) => {
    expect(resolveStyle(style)).toEqual({ preset: expect.objectContaining({ name: DEFAULT_STYLE }), notes });
  });

  it("a preset and the studio's style notes go together; free style text joins the notes", () => {
    expect(resolveStyle("Neonpunk", "rainy night")).toMatchObject({ preset: { name: "Neonpunk" }, notes: "rainy night" });
    expect(resolveStyle("business professional", "warm light").notes).toBe("warm light, business professional");
  });

  it.each([
    ["style", "my imgur look", undefined, /^The style can't contain "img"/],
    ["styleNotes", undefined, "IMG style", /^The style notes can't contain "img"/],
    ["style", "a".repeat(101), undefined, /^The style is too long \(101 characters; the limit is 100\)/],
  ])("refuses bad %s with its field named", (field, style, notes, message) => {
    let error: unknown;
    try {
      resolveStyle(style, notes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect(error).toMatchObject({ field, message: expect.stringMatching(message) });
  });

  it("notes read as style words in the prompt, without doubling a trailing 'style'", () => {
    expect(styleNoteWords("business professional, minimalist style")).toEqual(["business professional style", "minimalist style"]);
    expect(styleNoteWords(null)).toEqual([]);
  });
});

describe("buildPrompt with the guide's style", () => {
  it("folds 'business professional' into the prompt on the default preset, after the scene", () => {
    const built = buildPrompt({ prompt: "professional business headshot", style: "business professional" });
    expect(built.style).toBe(DEFAULT_STYLE);
    expect(built.styleNotes).toBe("business professional");
    expect(built.prompt).toBe(
      "cinematic photo a photo of a person img, professional business headshot, business professional style, professional portrait photography, high quality, detailed face, sharp focus . 35mm photograph, film, bokeh, professional, 4k, highly detailed",
    );
    expect(built.fluxPrompt).toContain("a photo of a person, professional business headshot, business professional style");
  });

  it("keeps the notes with a prompt that names its own trigger", () => {
    const built = buildPrompt({ prompt: "portrait of a girl img in the rain", style: "Comic book", styleNotes: "ink wash" });
    expect(built.prompt).toBe("comic portrait of a girl img in the rain, ink wash style, high quality, detailed face, sharp focus . graphic illustration, comic art, graphic novel art, vibrant, highly detailed");
  });

  it("a preset name adds no notes", () => {
    expect(buildPrompt({ prompt: "x", style: "cinematic" })).toMatchObject({ style: "Cinematic", styleNotes: null });
  });
});
