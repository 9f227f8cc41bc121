CREATE TYPE "public"."generation_stage" AS ENUM('queued', 'generating', 'retrying', 'falling_back', 'saving', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."image_engine" AS ENUM('photomaker', 'flux', 'offline');--> statement-breakpoint
DROP INDEX "avatars_generation_idx";--> statement-breakpoint
ALTER TABLE "avatars" ALTER COLUMN "engine" SET DATA TYPE "public"."image_engine" USING "engine"::text::"public"."image_engine";--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "model" text NOT NULL;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "offline_preview" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "stage" "generation_stage" DEFAULT 'queued' NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "stage_detail" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "idempotency_key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "charge_entry_id" integer;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "input_keys" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "photo_count" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "warnings" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "attempts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "step_timings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "engine" "image_engine";--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "refunded_credits" integer;--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_charge_entry_id_credit_ledger_id_fk" FOREIGN KEY ("charge_entry_id") REFERENCES "public"."credit_ledger"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "avatars_generation_uq" ON "avatars" USING btree ("generation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "generations_idempotency_uq" ON "generations" USING btree ("user_id","idempotency_key");