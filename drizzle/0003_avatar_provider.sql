ALTER TABLE "avatars" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "model_version" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "prediction_id" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "model_width" integer;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "model_height" integer;