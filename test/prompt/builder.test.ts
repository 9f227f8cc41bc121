import { describe, expect, it } from "vitest";
import { BadInputError } from "~/server/errors";
import { buildPrompt, cleanText, normalizeGender, type PromptInput, STYLE_NAMES } from "~/server/prompt";

const triggers = (s: string) => s.match(/img/gi)?.length ?? 0;
const SUFFIX = "professional portrait photography, high quality, detailed face, sharp focus";

/** The BadInputError thrown by fn; fails the test if fn does not throw one. */
function refusal(fn: () => unknown): BadInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadInputError);
    return e as BadInputError;
  }
  throw new Error("expected a BadInputError, nothing was thrown");
}

const plain = (input: Partial<PromptInput>) => buildPrompt({ prompt: "wearing a suit", style: "(No style)", ...input });

describe("the example of the issue", () => {
  it("builds the PhotoMaker prompt and the FLUX prompt word for word", () => {
    const built = plain({ gender: "woman" });
    expect(built.prompt).toBe(`a photo of a woman img, wearing a suit, ${SUFFIX}`);
    expect(built.fluxPrompt).toBe(`a photo of a woman, wearing a suit, ${SUFFIX}`);
    expect(built.classWord).toBe("woman");
  });

  it("with the default style, wrapped in the Photographic template", () => {
    expect(buildPrompt({ prompt: "wearing a suit", gender: "man" }).prompt).toBe(
      `cinematic photo a photo of a man img, wearing a suit, ${SUFFIX} . 35mm photograph, film, bokeh, professional, 4k, highly detailed`,
    );
  });
});

describe("gender → class word", () => {
  it.each([
    ["man", "man"], ["Man", "man"], ["MALE", "man"], [" male ", "man"], ["m", "man"], ["boy", "man"],
    ["woman", "woman"], ["Female", "woman"], ["f", "woman"], ["girl", "woman"], ["lady", "woman"], ["trans woman", "woman"],
    ["person", "person"], ["", "person"], [undefined, "person"], ["non-binary", "person"], ["Non-Binary", "person"],
    ["nonbinary", "person"], ["non_binary", "person"], ["other", "person"], ["OTHER", "person"], ["prefer not to say", "person"],
  ] as const)("%j → %s", (gender, cls) => {
    expect(normalizeGender(gender)).toBe(cls);
    const built = plain({ gender });
    expect(built.classWord).toBe(cls);
    expect(built.prompt.startsWith(`a photo of a ${cls} img, wearing a suit`)).toBe(true);
  });

  it.each(["cat", "img", "men and women"])("%j is refused with the field", (gender) => {
    expect(refusal(() => plain({ gender })).field).toBe("gender");
  });
});

describe("persona and attributes woven in", () => {
  it.each<[Partial<PromptInput>, string]>([
    [{ gender: "woman", personaAge: 34, ethnicity: "East Asian", personaName: "Mei" }, "a photo of a 34-year-old East Asian woman img named Mei, wearing a suit"],
    [{ gender: "man", personaAge: 18 }, "a photo of an 18-year-old man img, wearing"],
    [{ personaAge: 80 }, "a photo of an 80-year-old person img, wearing"],
    [{ personaAge: 11, gender: "girl" }, "a photo of an 11-year-old woman img,"],
    [{ personaAge: 100 }, "a photo of a 100-year-old person img,"],
    [{ personaAge: 33.6 }, "a photo of a 34-year-old person img,"],
    [{ ethnicity: "European", gender: "woman" }, "a photo of a European woman img,"],
    [{ ethnicity: "Indian" }, "a photo of an Indian person img,"],
    [{ ethnicity: "Ukrainian", gender: "man" }, "a photo of a Ukrainian man img,"],
    [{ ageRange: "25-34", gender: "man" }, "a photo of a man img aged 25 to 34, wearing"],
    [{ ageRange: "25 – 34" }, "a photo of a person img aged 25 to 34,"],
    [{ ageRange: "30s", gender: "woman" }, "a photo of a woman img in her 30s, wearing"],
    [{ ageRange: "40's", gender: "man" }, "a photo of a man img in his 40s,"],
    [{ ageRange: "20s", gender: "other" }, "a photo of a person img in their 20s,"],
    [{ ageRange: "65+", personaName: "Ada" }, "a photo of a person img aged 65 or older named Ada, wearing"],
    [{ ageRange: "Middle-aged", gender: "man" }, "a photo of a middle-aged man img,"],
    [{ ageRange: "elderly", ethnicity: "Black", gender: "woman" }, "a photo of an elderly Black woman img,"],
    [{ personaAge: 34, ageRange: "50s", gender: "woman" }, "a photo of a 34-year-old woman img, wearing"], // exact age wins
    [{ personaName: "  Mei   Ling  " }, "a photo of a person img named Mei Ling, wearing"],
    [{ personaName: "Mei (test), \"Li\": 2" }, "a photo of a person img named Mei test Li 2, wearing"],
    [{ personaName: "Zoë O'Neil-Smith" }, "a photo of a person img named Zoë O'Neil-Smith,"],
    [{ personaName: "Woman", gender: "man" }, "a photo of a man img named Woman,"], // a name is never a class word
  ])("%j → %s…", (input, start) => {
    const built = plain(input);
    expect(built.prompt.startsWith(start)).toBe(true);
    expect(triggers(built.prompt)).toBe(1);
    expect(built.fluxPrompt.startsWith(start.replace(" img", ""))).toBe(true);
  });

  it.each<[Partial<PromptInput>, string]>([
    [{ personaName: "Img" }, "personaName"],
    [{ personaName: "Kimgo" }, "personaName"],
    [{ personaName: "x".repeat(61) }, "personaName"],
    [{ ethnicity: "IMG" }, "ethnicity"],
    [{ ethnicity: "y".repeat(61) }, "ethnicity"],
    [{ ageRange: "imgs" }, "ageRange"],
    [{ ageRange: "about 30 or so" }, "ageRange"],
    [{ personaAge: 0 }, "personaAge"],
    [{ personaAge: 121 }, "personaAge"],
    [{ personaAge: Number.NaN }, "personaAge"],
  ])("%j is refused with field %s", (input, field) => {
    expect(refusal(() => plain(input)).field).toBe(field);
  });
});

describe("a prompt with its own correct trigger is kept as written", () => {
  it.each([
    ["a photo of a man img wearing a hat", "man", "a photo of a man img wearing a hat"],
    ["portrait of a woman img", "woman", "portrait of a woman img"],
    ["a person img at the beach", "person", "a person img at the beach"],
    ["a boy img playing chess", "man", "a boy img playing chess"],
    ["a girl img smiling", "woman", "a girl img smiling"],
    ["a lady img, wearing pearls", "woman", "a lady img, wearing pearls"],
    ["a kid img laughing", "person", "a kid img laughing"],
    ["Woman IMG in Paris", "woman", "Woman img in Paris"], // PhotoMaker's trigger is case-sensitive
    ["a woman Img.", "woman", "a woman img"],
    ["a woman ｉｍｇ in the rain", "woman", "a woman img in the rain"], // full-width, NFKC
  ] as const)("%j (class %s)", (prompt, cls, kept) => {
    const built = buildPrompt({ prompt, gender: "person", style: "(No style)" });
    expect(built.prompt).toBe(`${kept}, ${SUFFIX}`);
    expect(built.classWord).toBe(cls);
    expect(triggers(built.prompt)).toBe(1);
    expect(built.fluxPrompt).toBe(`${kept.replace(/ img/i, "")}, ${SUFFIX}`);
  });

  it("appends persona facts after the user's own subject", () => {
    const built = plain({ prompt: "a woman img on a boat", personaName: "Mei", personaAge: 34, ethnicity: "East Asian" });
    expect(built.prompt).toBe(`a woman img on a boat, 34 years old, East Asian, named Mei, ${SUFFIX}`);
  });

  it("uses the prompt's class word for pronouns, not the gender field", () => {
    expect(plain({ prompt: "a man img", gender: "woman", ageRange: "30s" }).prompt).toContain("a man img, in his 30s");
  });
});

describe("trigger misuse is refused with the field and a clear message", () => {
  it.each([
    ["a man img and a woman img", /only once.*2 times/],
    ["img img", /only once/],
    ["a woman img, img", /only once/],
    ["a photo of img", /right after man, woman or person.*"img" is misplaced/],
    ["img of a woman", /misplaced/],
    ["a photo of a cat img", /misplaced/],
    ["a woman, img", /misplaced/],
    ["a woman img2", /inside "img2"/],
    ["a woman imgur screenshot", /inside "imgur"/],
    ["a womanimg", /inside "womanimg"/],
    ["a woman\u200Bimg", /inside "womanimg"/], // a zero-width space can't hide it
  ])("%j", (prompt, message) => {
    const e = refusal(() => plain({ prompt }));
    expect(e.field).toBe("prompt");
    expect(e.message).toMatch(message);
    expect(e.message).toContain('trigger word "img" only once, right after man, woman or person');
  });

  it("non-breaking or repeated spaces before the trigger are ordinary whitespace: accepted", () => {
    expect(plain({ prompt: "a woman\u00A0\u00A0 img x" }).prompt.startsWith("a woman img x,")).toBe(true);
  });

  it.each(["img", "blurry, IMG", "imgur logo", "ugly,\u200Bimg"])("negative prompt %j is refused", (negativePrompt) => {
    const e = refusal(() => plain({ negativePrompt }));
    expect(e.field).toBe("negativePrompt");
    expect(e.message).toMatch(/can't contain "img"/);
  });

  it("a trigger too far from the start for CLIP's 77 tokens is refused", () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}`).join(" ");
    const e = refusal(() => plain({ prompt: `${words} a woman img` }));
    expect(e.field).toBe("prompt");
    expect(e.message).toMatch(/nearer the start/);
    expect(plain({ prompt: `a woman img ${words}` }).prompt.startsWith("a woman img")).toBe(true);
  });
});

describe("user text is sanitised", () => {
  it.each([
    ["  wearing \n\t a   suit \u0000", "wearing a suit"],
    ["wearing\u0007a\u001Fsuit\u007F", "wearing a suit"],
    ["wear\u200Bing a suit\uFEFF", "wearing a suit"],
    ["wearing a suit\u2028in Paris", "wearing a suit in Paris"],
    ["ﬁne ＡＢＣ", "fine ABC"],
  ])("cleanText(%j) → %j", (raw, clean) => {
    expect(cleanText(raw)).toBe(clean);
  });

  it.each([
    ["wearing a suit.", "a photo of a person img, wearing a suit, professional"],
    [", , wearing a suit ;", "a photo of a person img, wearing a suit, professional"],
    ["", `a photo of a person img, ${SUFFIX}`],
    ["   \n ", `a photo of a person img, ${SUFFIX}`],
    ["costs $& and $1 $$", "a photo of a person img, costs $& and $1 $$, professional"], // no replace() patterns
  ])("%j → %s…", (prompt, start) => {
    expect(plain({ prompt }).prompt.startsWith(start)).toBe(true);
  });

  it("caps the prompt at 1000 characters, counted after cleaning", () => {
    expect(() => plain({ prompt: "a".repeat(1000) })).not.toThrow();
    expect(() => plain({ prompt: `${"a ".repeat(499)}a${" ".repeat(5000)}\n\n` })).not.toThrow();
    const e = refusal(() => plain({ prompt: "a".repeat(1001) }));
    expect(e.field).toBe("prompt");
    expect(e.message).toMatch(/too long \(1001 characters; the limit is 1000\)/);
  });

  it("caps the negative prompt at 1000 characters", () => {
    expect(refusal(() => plain({ negativePrompt: "b".repeat(1001) })).field).toBe("negativePrompt");
  });
});

describe("invariants over every style × gender × prompt", () => {
  const prompts = ["wearing a suit", "a girl img in the snow", "", "  hiking\nin the Alps. "];
  const genders = ["man", "female", "non-binary", undefined];
  const rows = STYLE_NAMES.flatMap((style) => genders.flatMap((gender) => prompts.map((prompt) => ({ style, gender, prompt }))));

  it.each(rows)("%j", (input) => {
    const built = buildPrompt({ ...input, personaName: "Mei", ageRange: "30s", negativePrompt: "hats" });
    expect(triggers(built.prompt)).toBe(1);
    expect(built.prompt).toMatch(/(?<![a-z])(man|woman|person|girl) img(?![a-z0-9])/i);
    expect(triggers(built.fluxPrompt)).toBe(0);
    expect(built.fluxPrompt).toBe(built.prompt.replace(" img", ""));
    expect(triggers(built.negativePrompt)).toBe(0);
    expect(built.prompt).not.toMatch(/[\u0000-\u001F]|\{prompt\}|,\s*,/);
  });
});
