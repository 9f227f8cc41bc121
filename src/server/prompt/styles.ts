/**
 * The style presets of PhotoMaker's Gradio demo (TencentARC/PhotoMaker,
 * gradio_demo/style_template.py), copied as data: `prompt` and `negativePrompt` are
 * byte-for-byte the demo's (including its double space in "Fantasy art"), so results
 * match what users see in the demo. Only `description` is ours.
 *
 * One deliberate change: the demo names a preset "Disney Charactor" (sic). We show the
 * correct spelling and still accept the demo's spelling in findStyle().
 */

export interface StylePreset {
  name: string;
  /** Short, user-facing. */
  description: string;
  /** Template with exactly one "{prompt}" slot. */
  prompt: string;
  negativePrompt: string;
}

export const DEFAULT_STYLE = "Photographic (Default)";

export const STYLE_PRESETS: readonly StylePreset[] = Object.freeze([
  {
    name: "(No style)",
    description: "Your prompt exactly as written, no added look.",
    prompt: "{prompt}",
    negativePrompt: "",
  },
  {
    name: "Cinematic",
    description: "A moody film still with bokeh and film grain.",
    prompt:
      "cinematic still {prompt} . emotional, harmonious, vignette, highly detailed, high budget, bokeh, cinemascope, moody, epic, gorgeous, film grain, grainy",
    negativePrompt:
      "anime, cartoon, graphic, text, painting, crayon, graphite, abstract, glitch, deformed, mutated, ugly, disfigured",
  },
  {
    name: "Disney Character",
    description: "A Pixar-style animated character.",
    prompt: "A Pixar animation character of {prompt} . pixar-style, studio anime, Disney, high-quality",
    negativePrompt:
      "lowres, bad anatomy, bad hands, text, bad eyes, bad arms, bad legs, error, missing fingers, extra digit, fewer digits, cropped, worst quality, low quality, normal quality, jpeg artifacts, signature, watermark, blurry, grayscale, noisy, sloppy, messy, grainy, highly detailed, ultra textured, photo",
  },
  {
    name: "Digital Art",
    description: "Painterly concept art, like a matte painting.",
    prompt: "concept art {prompt} . digital artwork, illustrative, painterly, matte painting, highly detailed",
    negativePrompt: "photo, photorealistic, realism, ugly",
  },
  {
    name: "Photographic (Default)",
    description: "A natural, professional 35mm photograph.",
    prompt: "cinematic photo {prompt} . 35mm photograph, film, bokeh, professional, 4k, highly detailed",
    negativePrompt: "drawing, painting, crayon, sketch, graphite, impressionist, noisy, blurry, soft, deformed, ugly",
  },
  {
    name: "Fantasy art",
    description: "Ethereal, magical fantasy cover art.",
    prompt:
      "ethereal fantasy concept art of  {prompt} . magnificent, celestial, ethereal, painterly, epic, majestic, magical, fantasy art, cover art, dreamy",
    negativePrompt:
      "photographic, realistic, realism, 35mm film, dslr, cropped, frame, text, deformed, glitch, noise, noisy, off-center, deformed, cross-eyed, closed eyes, bad anatomy, ugly, disfigured, sloppy, duplicate, mutated, black and white",
  },
  {
    name: "Neonpunk",
    description: "Cyberpunk neon with magenta and purple light.",
    prompt:
      "neonpunk style {prompt} . cyberpunk, vaporwave, neon, vibes, vibrant, stunningly beautiful, crisp, detailed, sleek, ultramodern, magenta highlights, dark purple shadows, high contrast, cinematic, ultra detailed, intricate, professional",
    negativePrompt: "painting, drawing, illustration, glitch, deformed, mutated, cross-eyed, ugly, disfigured",
  },
  {
    name: "Enhance",
    description: "Your scene, polished to award-winning quality.",
    prompt: "breathtaking {prompt} . award-winning, professional, highly detailed",
    negativePrompt: "ugly, deformed, noisy, blurry, distorted, grainy",
  },
  {
    name: "Comic book",
    description: "Bold graphic-novel illustration.",
    prompt: "comic {prompt} . graphic illustration, comic art, graphic novel art, vibrant, highly detailed",
    negativePrompt: "photograph, deformed, glitch, noisy, realistic, stock photo",
  },
  {
    name: "Lowpoly",
    description: "Low-poly 3D game art made of polygons.",
    prompt:
      "low-poly style {prompt} . low-poly game art, polygon mesh, jagged, blocky, wireframe edges, centered composition",
    negativePrompt: "noisy, sloppy, messy, grainy, highly detailed, ultra textured, photo",
  },
  {
    name: "Line art",
    description: "Clean, minimalist vector line drawing.",
    prompt:
      "line art drawing {prompt} . professional, sleek, modern, minimalist, graphic, line art, vector graphics",
    negativePrompt:
      "anime, photorealistic, 35mm film, deformed, glitch, blurry, noisy, off-center, deformed, cross-eyed, closed eyes, bad anatomy, ugly, disfigured, mutated, realism, realistic, impressionism, expressionism, oil, acrylic",
  },
].map((p) => Object.freeze(p)));

/**
 * Presets that want a photograph. Only these get "a photo of …" and "professional portrait
 * photography" — the art presets list "photo"/"photorealistic" in their own negatives.
 */
export const PHOTOGRAPHIC_STYLES: ReadonlySet<string> = new Set([
  "(No style)",
  "Cinematic",
  "Photographic (Default)",
  "Neonpunk",
  "Enhance",
]);

/** The demo's own spellings that differ from ours. */
const ALIASES: Readonly<Record<string, string>> = { "disney charactor": "disney character" };

/**
 * How a name is compared: case, spacing, brackets and the "(Default)" suffix don't count, so
 * "photographic", "PHOTOGRAPHIC (default)" and "no style" find their presets.
 */
function styleKey(name: string): string {
  const key = name
    .toLowerCase()
    .replace(/\(\s*default\s*\)/g, " ")
    .replace(/[()]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return ALIASES[key] ?? key;
}

const BY_KEY: ReadonlyMap<string, StylePreset> = new Map(STYLE_PRESETS.map((p) => [styleKey(p.name), p]));

/** The preset a hand-typed API value names, or undefined when it names none. */
export function findStyle(name: string): StylePreset | undefined {
  const key = styleKey(name);
  return key ? BY_KEY.get(key) : undefined;
}

export const STYLE_NAMES: readonly string[] = STYLE_PRESETS.map((p) => p.name);
