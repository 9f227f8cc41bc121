DROP INDEX "avatars_project_idx";--> statement-breakpoint
DROP INDEX "generations_project_idx";--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "batch_id" text;--> statement-breakpoint
CREATE INDEX "avatars_project_idx" ON "avatars" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "generations_project_idx" ON "generations" USING btree ("project_id","created_at","id");