export {
  ART_QUALITY_SUFFIX,
  type BuiltPrompt,
  buildPrompt,
  type Gender,
  NEGATIVE_PROMPT_MAX,
  PHOTO_QUALITY_SUFFIX,
  PROMPT_MAX,
  type PromptInput,
} from "./builder";
export { resolveStyle, STYLE_NOTES_MAX, type StyleChoice, styleNoteWords } from "./style-choice";
export { FACE_QUALITY_NEGATIVE_TERMS, mergeNegative } from "./negative";
export { AGE_RANGE_MAX, ETHNICITY_MAX, normalizeGender, PERSONA_NAME_MAX } from "./persona";
export {
  DEFAULT_STYLE_STRENGTH,
  STYLE_STRENGTH_MAX,
  STYLE_STRENGTH_MIN,
  STYLE_STRENGTH_RATIO_MAX,
  STYLE_STRENGTH_RATIO_MIN,
  styleStrengthToRatio,
} from "./strength";
export { DEFAULT_STYLE, findStyle, PHOTOGRAPHIC_STYLES, STYLE_NAMES, STYLE_PRESETS, type StylePreset } from "./styles";
export { CLASS_WORDS, type ClassWord, cleanText, findTriggers, TRIGGER } from "./text";
