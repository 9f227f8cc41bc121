import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { user } from "./auth-schema";

// The accounts tables live in auth-schema.ts; re-exported so `schema` is the whole data model.
export * from "./auth-schema";

/* ---------- projects, models, generations, avatars ---------- */

export const projects = pgTable(
  "projects",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Bumped by a trigger (drizzle/0001) in the same transaction as any change to the project's
     * avatars, from any process: avatar.list answers from its cache only while this is unchanged.
     */
    avatarsVersion: bigint("avatars_version", { mode: "number" }).notNull().default(0),
  },
  (t) => [index("projects_user_id_idx").on(t.userId, t.createdAt)],
);

export const tierEnum = pgEnum("tier", ["basic", "pro", "enterprise"]);
export const engineEnum = pgEnum("engine", ["photomaker", "flux"]);
/** What actually made an image: "offline" is the local preview engine, never passed off as PhotoMaker. */
export const imageEngineEnum = pgEnum("image_engine", ["photomaker", "flux", "offline"]);
/** measured: a likeness score; no_face: the result shows no face; unmeasured: face check off or unavailable. */
export const likenessStatusEnum = pgEnum("likeness_status", ["measured", "no_face", "unmeasured"]);

/** Seeded from src/server/tiers.ts (the one home of prices and sizes); upserted by key on start. */
export const aiModels = pgTable("ai_models", {
  key: text("key").primaryKey(),
  engine: engineEnum("engine").notNull(),
  /** The Hugging Face model id the engine calls. */
  modelId: text("model_id").notNull(),
  /** Null for the fallback model: it is never chosen directly. */
  tier: tierEnum("tier").unique(),
  creditCost: integer("credit_cost").notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  steps: integer("steps").notNull(),
  styleStrength: doublePrecision("style_strength"),
  guidance: doublePrecision("guidance").notNull(),
  isFallback: boolean("is_fallback").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const generationStatusEnum = pgEnum("generation_status", [
  "queued",
  "processing",
  "succeeded",
  "failed",
]);

/** The live stage shown to the user; status is the coarse lifecycle. */
export const generationStageEnum = pgEnum("generation_stage", [
  "queued",
  "generating",
  "retrying",
  "falling_back",
  "saving",
  "succeeded",
  "failed",
]);

export interface GenerationAttempt {
  engine: "photomaker" | "flux" | "offline";
  attempt: number;
  startedAt: string;
  durationMs: number;
  errorCode: string | null;
  /** The image service's HTTP status, when it answered one (absent on older rows and offline). */
  httpStatus?: number | null;
  /** Wait before the next attempt, when one follows. */
  retryDelayMs: number | null;
  /** Who served it (huggingface, replicate, offline) and what ran; absent on attempts recorded before. */
  provider?: string;
  model?: string;
  version?: string | null;
  /** The provider's id for the run (Replicate's prediction id), success or failure. */
  predictionId?: string | null;
}

/** A box as fractions (0..1) of an upright photo. */
export interface FaceBoxRecord {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the face check found in one uploaded photo (never the face's embedding). */
export interface PhotoFaceRecord {
  /** 1-based, as users see it. */
  photo: number;
  field: string;
  width: number;
  height: number;
  /** The face used (the largest). */
  box: FaceBoxRecord;
  score: number;
  /** Smaller faces seen and ignored. */
  others: FaceBoxRecord[];
  /** The face-centred region sent to the engine. */
  crop: FaceBoxRecord;
  /** Mean cosine with the other photos' faces (null for one photo). */
  similarity: number | null;
  warnings: string[];
}

export interface StageDetail {
  reason?: string;
  nextAttemptAt?: string;
}

export const generations = pgTable(
  "generations",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    modelKey: text("model_key")
      .notNull()
      .references(() => aiModels.key),
    tier: tierEnum("tier").notNull(),
    status: generationStatusEnum("status").notNull().default("queued"),
    stage: generationStageEnum("stage").notNull().default("queued"),
    stageDetail: jsonb("stage_detail").$type<StageDetail>().notNull().default({}),
    creditCost: integer("credit_cost").notNull(),
    /** The client's key: the same key twice is the same generation and one charge. */
    idempotencyKey: text("idempotency_key").notNull(),
    /** Set on the members of a batch (one submission, several styles or seeds): they share it. */
    batchId: text("batch_id"),
    chargeEntryId: integer("charge_entry_id").references(() => creditLedger.id),
    /** Everything the workflow needs, frozen at submit time (prompts, seed, sizes, style…). */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    /** Storage keys of the uploaded photos until they are deleted. */
    inputKeys: jsonb("input_keys").$type<string[]>().notNull().default([]),
    photoCount: integer("photo_count").notNull(),
    warnings: jsonb("warnings").$type<string[]>().notNull().default([]),
    /** Face check results per photo, in photo order (empty when FACE_CHECK=off). */
    faces: jsonb("faces").$type<PhotoFaceRecord[]>().notNull().default([]),
    attempts: jsonb("attempts").$type<GenerationAttempt[]>().notNull().default([]),
    /** Milliseconds per workflow step, for metrics. */
    stepTimings: jsonb("step_timings").$type<Record<string, number>>().notNull().default({}),
    engine: imageEngineEnum("engine"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    refundedCredits: integer("refunded_credits"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    // generation.list's keyset pages walk it (src/server/pagination.ts).
    index("generations_project_idx").on(t.projectId, t.createdAt, t.id),
    index("generations_user_idx").on(t.userId, t.createdAt),
    uniqueIndex("generations_idempotency_uq").on(t.userId, t.idempotencyKey),
  ],
);

export const avatars = pgTable(
  "avatars",
  {
    id: text("id").primaryKey(),
    generationId: text("generation_id")
      .notNull()
      .references(() => generations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    imageKey: text("image_key").notNull(),
    thumbnailKey: text("thumbnail_key").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    engine: imageEngineEnum("engine").notNull(),
    model: text("model").notNull(),
    /** The engine that served it: huggingface, replicate or offline (null for avatars made before it was kept). */
    provider: text("provider"),
    /** The model version that ran (Replicate's version id), when the provider names one. */
    modelVersion: text("model_version"),
    /** The provider's id for the run (Replicate's prediction id). */
    predictionId: text("prediction_id"),
    /** What the model made before it was fitted to the tier's size (width/height above). */
    modelWidth: integer("model_width"),
    modelHeight: integer("model_height"),
    /** Made by the offline engine: labelled as a preview everywhere it is shown. */
    offlinePreview: boolean("offline_preview").notNull().default(false),
    /** A FLUX stand-in keeps no identity: labelled "not identity-preserving" wherever shown. */
    identityPreserving: boolean("identity_preserving").notNull().default(true),
    /** Cosine × 100 between the result's face and the mean of the input faces; null unless measured. */
    likeness: integer("likeness"),
    likenessStatus: likenessStatusEnum("likeness_status").notNull().default("unmeasured"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // avatar.list's keyset pages walk it (src/server/pagination.ts).
    index("avatars_project_idx").on(t.projectId, t.createdAt, t.id),
    // One avatar per generation: a step that runs again can't add a duplicate.
    uniqueIndex("avatars_generation_uq").on(t.generationId),
  ],
);

/* ---------- credits ---------- */

/**
 * The running balance per user. The CHECK makes a negative balance impossible whatever the code
 * does; charges use a conditional UPDATE so concurrent requests cannot overdraw.
 */
export const creditBalances = pgTable(
  "credit_balances",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => user.id, { onDelete: "cascade" }),
    balance: integer("balance").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("credit_balances_non_negative", sql`${t.balance} >= 0`)],
);

/**
 * purchase: credits bought (Stripe Checkout); debit: credits taken back (an administrator, a
 * refunded purchase), negative like a charge.
 */
export const ledgerKindEnum = pgEnum("ledger_kind", ["grant", "charge", "refund", "purchase", "debit"]);

/**
 * Append-only: rows are inserted, never updated or deleted, except when their user deletes the
 * account (src/server/account/delete.ts): then every entry goes but the purchases and their
 * refunds, kept for accounting with the user id replaced by an anonymous one. So user_id has no
 * foreign key (it may name no account any more).
 */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: serial("id").primaryKey(),
    userId: text("user_id").notNull(),
    kind: ledgerKindEnum("kind").notNull(),
    /** Signed: grants and refunds are positive, charges negative. */
    amount: integer("amount").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    description: text("description").notNull(),
    referenceType: text("reference_type"),
    referenceId: text("reference_id"),
    /** Charges and grants: the same key twice is one entry. */
    idempotencyKey: text("idempotency_key"),
    /** Refunds: the charge they return. Unique, so a charge is refunded at most once. */
    refundOf: integer("refund_of").references((): AnyPgColumn => creditLedger.id),
    /** Grants and debits: who gave or took (an admin's user id, or "cli:<os user>"). */
    grantedBy: text("granted_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("credit_ledger_user_idx").on(t.userId, t.id),
    uniqueIndex("credit_ledger_idempotency_uq").on(t.userId, t.kind, t.idempotencyKey),
    uniqueIndex("credit_ledger_refund_once_uq").on(t.refundOf),
    // ::text: the kinds are compared as text, so a kind added to the enum can be named here in
    // the same migration (a new enum value can't be used before its transaction commits). A debit
    // may be 0: a refunded purchase whose credits were all spent still says so in the ledger.
    check(
      "credit_ledger_sign",
      sql`(${t.kind}::text = 'charge' AND ${t.amount} < 0) OR (${t.kind}::text = 'debit' AND ${t.amount} <= 0) OR (${t.kind}::text NOT IN ('charge', 'debit') AND ${t.amount} > 0)`,
    ),
    check("credit_ledger_refund_names_charge", sql`(${t.kind} = 'refund') = (${t.refundOf} IS NOT NULL)`),
  ],
);

/**
 * The REST route's per-token limit (api-tokens/rate-limit.ts): one row per request still inside
 * its window, shared by every app instance. Old rows are pruned by the limiter and the sweeper.
 */
export const rateLimitHits = pgTable(
  "rate_limit_hits",
  {
    id: serial("id").primaryKey(),
    key: text("key").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rate_limit_hits_key_at_idx").on(t.key, t.at)],
);

/**
 * One Stripe Checkout purchase of a credit pack: written with its ledger grant (the session id is
 * the grant's idempotency key, so a replayed webhook grants nothing more), and what refunds took
 * back. Kept for accounting when the buyer deletes the account (user id anonymised, like the ledger).
 */
export const creditPurchases = pgTable(
  "credit_purchases",
  {
    /** The Checkout Session (cs_…). */
    sessionId: text("session_id").primaryKey(),
    userId: text("user_id").notNull(),
    pack: text("pack").notNull(),
    credits: integer("credits").notNull(),
    /** What was paid, in the currency's smallest unit. */
    amountTotal: integer("amount_total").notNull(),
    currency: text("currency").notNull(),
    paymentIntentId: text("payment_intent_id"),
    ledgerEntryId: integer("ledger_entry_id").references(() => creditLedger.id),
    /** Refunded so far (Stripe's charge.amount_refunded), the credits that refund owes back, and how many of those could not be taken (already spent). */
    amountRefunded: integer("amount_refunded").notNull().default(0),
    creditsReversed: integer("credits_reversed").notNull().default(0),
    creditsUncollected: integer("credits_uncollected").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("credit_purchases_user_idx").on(t.userId), uniqueIndex("credit_purchases_payment_intent_uq").on(t.paymentIntentId)],
);

/* ---------- operations ---------- */

/**
 * Every operator action (console and CLI): who, when, what, why, and the state before and after.
 * Append-only: a trigger (drizzle/ migration) refuses UPDATE and DELETE. No foreign keys, so an
 * entry outlives what it names; it holds ids and figures, never a person's email or photos.
 */
export const adminAudit = pgTable(
  "admin_audit",
  {
    id: serial("id").primaryKey(),
    /** "admin:<user id>" or "cli:<os user>". */
    actor: text("actor").notNull(),
    /** What was done, e.g. "credits.grant", "generation.cancel" (AUDIT_ACTIONS in src/server/admin/audit.ts). */
    action: text("action").notNull(),
    targetUserId: text("target_user_id"),
    targetGenerationId: text("target_generation_id"),
    reason: text("reason").notNull(),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("admin_audit_created_idx").on(t.createdAt),
    index("admin_audit_user_idx").on(t.targetUserId),
    index("admin_audit_generation_idx").on(t.targetGenerationId),
  ],
);
