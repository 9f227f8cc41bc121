import { z } from "zod";
import { parseTrustProxy } from "./http/client-address";
import { isPackId, PACK_IDS, type PackId } from "./packs";

/**
 * Every environment variable the server reads, validated once. Nothing is required: with none
 * set the app runs on embedded PGlite, the local Inngest executor and the offline engine.
 * .env.example documents each one.
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOSTNAME: z.string().default("localhost"),

  DATABASE_URL: optionalString.pipe(z.url().optional()),
  PGLITE_DIR: z.string().default(".data/pglite"),

  BETTER_AUTH_SECRET: optionalString.pipe(z.string().min(32).optional()),
  BETTER_AUTH_URL: optionalString.pipe(z.url().optional()),

  /**
   * Which proxies may tell us the client's address (X-Forwarded-For, X-Real-IP): off (default: the
   * socket's peer is the client), a hop count, a list of addresses/CIDRs (`loopback`, `private`),
   * or true. src/server/http/client-address.ts.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** better-auth's per-IP limit on sign-up/sign-in (on in production). The browser tests turn it off: they sign up many users from one address. */
  AUTH_RATE_LIMIT: z.enum(["on", "off"]).optional(),
  WELCOME_CREDITS: z.coerce.number().int().min(0).default(100),
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),

  INNGEST_DEV: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_BASE_URL: optionalString,
  EXECUTOR_PORT: z.coerce.number().int().min(0).max(65535).default(8288),
  /**
   * on: this instance runs the local executor in a thread of its own (unless hosted Inngest is
   * configured). off: it doesn't; its events go to INNGEST_DEV (an executor process, `npm run
   * executor`) or to hosted Inngest.
   */
  EXECUTOR: z.enum(["on", "off"]).default("on"),
  /** `npm run executor`: the app it drives (a load balancer in front of the instances), and where it listens. */
  EXECUTOR_APP_URL: optionalString.pipe(z.url().optional()),
  EXECUTOR_HOST: z.string().default("127.0.0.1"),
  EXECUTOR_TIME_SCALE: z.coerce.number().positive().max(1).default(1),

  DATA_DIR: z.string().default(".data"),
  /** Generated images and temporary input photos (a local directory behind src/server/storage). */
  STORAGE_DIR: z.string().default(".data/storage"),
  /**
   * Object storage instead of STORAGE_DIR (src/server/storage/s3.ts): AWS S3, Cloudflare R2, MinIO
   * or any S3-compatible server. The AWS_* variables below are the SDK's own names.
   */
  S3_BUCKET: optionalString.pipe(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "a bucket name: 3–63 lowercase letters, digits, dots and hyphens").optional()),
  /** Keys go under this prefix in the bucket (one bucket shared by several apps), e.g. "avatar-studio/". */
  S3_PREFIX: optionalString.pipe(z.string().regex(/^([A-Za-z0-9_.-]+\/)+$/, 'path segments ending in "/", e.g. "avatar-studio/"').optional()),
  /** true for servers that need https://host/bucket/key rather than https://bucket.host/key (MinIO, s3rver). */
  S3_FORCE_PATH_STYLE: optionalString.pipe(z.enum(["true", "false"], { error: 'S3_FORCE_PATH_STYLE must be "true" or "false"' }).default("false")).transform((v) => v === "true"),
  AWS_REGION: optionalString,
  /** Unset: the SDK's default credential chain (instance role, AWS_PROFILE, …). */
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  /** Another S3-compatible server: https://<account>.r2.cloudflarestorage.com, http://minio:9000, … */
  AWS_ENDPOINT_URL_S3: optionalString.pipe(z.url({ protocol: /^https?$/, error: "an http(s) URL, e.g. https://<account>.r2.cloudflarestorage.com or http://minio:9000" }).optional()),
  /**
   * How avatar images reach the browser: stream (through this server) or redirect (a 302 to a
   * presigned bucket URL valid for minutes, after the same owner check; needs S3_BUCKET).
   */
  IMAGE_DELIVERY: z.enum(["stream", "redirect"], { error: 'IMAGE_DELIVERY must be "stream" or "redirect"' }).default("stream"),

  /** auto: Hugging Face when HUGGINGFACE_API_KEY and PHOTOMAKER_ENDPOINT_URL are set, else Replicate when REPLICATE_API_TOKEN is, else offline. */
  GENERATION_ENGINE: z.enum(["auto", "huggingface", "replicate", "offline"]).default("auto"),
  HUGGINGFACE_API_KEY: optionalString,
  PHOTOMAKER_ENDPOINT_URL: optionalString.pipe(z.url().optional()),
  FLUX_MODEL: z.string().default("black-forest-labs/FLUX.1-schnell"),
  FLUX_PROVIDER: z.string().default("hf-inference"),
  /** Tests only: send every Hugging Face host (Hub, router) to this base URL (the fake server). */
  HUGGINGFACE_HOSTS_OVERRIDE: optionalString.pipe(z.url().optional()),
  /** Replicate (https://replicate.com/account/api-tokens): PhotoMaker V1 and FLUX with only a token. */
  REPLICATE_API_TOKEN: optionalString,
  /** Replicate's HTTP API, or a compatible server (tests, proxies). */
  REPLICATE_BASE_URL: optionalString.pipe(z.url().default("https://api.replicate.com/v1")),
  /** owner/name (its latest version, looked up once) or owner/name:version. */
  REPLICATE_PHOTOMAKER_MODEL: optionalString.pipe(z.string().regex(/^[\w.-]+\/[\w.-]+(:\w+)?$/, "owner/name or owner/name:version").default("tencentarc/photomaker")),
  /** The FLUX stand-in on Replicate (used when Replicate is the engine). */
  REPLICATE_FLUX_MODEL: optionalString.pipe(z.string().regex(/^[\w.-]+\/[\w.-]+(:\w+)?$/, "owner/name or owner/name:version").default("black-forest-labs/flux-schnell")),
  /** Runs of generate-avatar in flight at once. */
  GENERATION_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(2),
  /** REST route: generation submits per API token per minute (counted in process memory). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),

  /** Face check at upload (offline face detection, same-person check, face-centred crops, likeness). */
  FACE_CHECK: z.enum(["on", "off"]).default("on"),

  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  /** Stripe Checkout for credit packs (src/server/billing). Without the secret key purchases are off. */
  STRIPE_SECRET_KEY: optionalString,
  /** Signs what Stripe POSTs to /api/stripe/webhook (`whsec_…`: the dashboard's endpoint, or `stripe listen`). */
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Tests only: Stripe's API at this base URL (the client's host, port and protocol): the fake. */
  STRIPE_API_BASE: optionalString.pipe(z.url().optional()),
  /** Pack prices in the currency's smallest unit, e.g. "starter=499,creator=1999,studio=4999". */
  CREDIT_PACK_PRICES: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const prices: Partial<Record<PackId, number>> = {};
      for (const pair of v.split(",").map((p) => p.trim()).filter(Boolean)) {
        const [id, price] = pair.split("=").map((x) => x.trim());
        if (!isPackId(id) || !/^\d+$/.test(price ?? "") || Number(price) < 50) {
          ctx.addIssue({ code: "custom", message: `"${pair}" is not <${PACK_IDS.join("|")}>=<price in cents, at least 50>` });
          return z.NEVER;
        }
        prices[id] = Number(price);
      }
      return prices;
    }),
  CREDIT_PACK_CURRENCY: z.string().trim().toLowerCase().regex(/^[a-z]{3}$/, "a three-letter currency code").default("usd"),

  /** Email (verification, password reset) over SMTP: smtp://user:pass@host:587 or smtps://…:465. Unset: links go to the log. */
  SMTP_URL: optionalString.pipe(z.url().optional()),
  EMAIL_FROM: z.string().trim().min(3).default("Avatar Studio <no-reply@localhost>"),
  /** on: accounts may sign in and browse, but not buy or generate, until their email is verified. */
  REQUIRE_EMAIL_VERIFICATION: z.enum(["on", "off"]).default("off"),
}).superRefine((e, ctx) => {
  // Settings that only mean something together: refused at start, not at the first upload.
  const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (e.IMAGE_DELIVERY === "redirect" && !e.S3_BUCKET) problem("IMAGE_DELIVERY", "redirect needs object storage: set S3_BUCKET (a local directory has no URL to redirect to)");
  if (!e.S3_BUCKET) return;
  if (!e.AWS_REGION) problem("AWS_REGION", "required with S3_BUCKET (the bucket's region; auto for Cloudflare R2, us-east-1 for MinIO)");
  if (Boolean(e.AWS_ACCESS_KEY_ID) !== Boolean(e.AWS_SECRET_ACCESS_KEY)) problem(e.AWS_ACCESS_KEY_ID ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or set neither, for the SDK's default credentials)");
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment variables:\n${problems}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process (parsed on first use, then reused). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Whether production Inngest (cloud or self-hosted) is configured, so the local executor stays off. */
export function usesHostedInngest(e: Env): boolean {
  if (e.INNGEST_SIGNING_KEY || e.INNGEST_EVENT_KEY) return true;
  return false;
}

/** The app's public URL (links in emails, Stripe's return URLs): BETTER_AUTH_URL, else localhost. */
export function publicUrl(e: Env): string {
  return (e.BETTER_AUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
}
