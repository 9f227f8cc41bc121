import pino from "pino";

/**
 * Structured logs. Workflow lines carry generationId, step, attempt and engine, so one
 * generation's story is one filter away. Never log photo bytes, tokens or prompts.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "avatar-studio" },
  redact: { paths: ["token", "*.token", "authorization", "*.authorization", "photos", "*.photos", "prompt", "*.prompt"], remove: true },
});

export type Logger = pino.Logger;
