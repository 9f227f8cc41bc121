ALTER TYPE "public"."ledger_kind" ADD VALUE 'purchase';--> statement-breakpoint
ALTER TYPE "public"."ledger_kind" ADD VALUE 'debit';--> statement-breakpoint
CREATE TABLE "admin_audit" (
	"id" serial PRIMARY KEY NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target_user_id" text,
	"target_generation_id" text,
	"reason" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_ledger" DROP CONSTRAINT "credit_ledger_sign";--> statement-breakpoint
CREATE INDEX "admin_audit_created_idx" ON "admin_audit" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "admin_audit_user_idx" ON "admin_audit" USING btree ("target_user_id");--> statement-breakpoint
CREATE INDEX "admin_audit_generation_idx" ON "admin_audit" USING btree ("target_generation_id");--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_sign" CHECK (("credit_ledger"."kind"::text IN ('charge', 'debit') AND "credit_ledger"."amount" < 0) OR ("credit_ledger"."kind"::text NOT IN ('charge', 'debit') AND "credit_ledger"."amount" > 0));--> statement-breakpoint
-- The audit of operator actions is append-only: whatever the code does, an entry can't be changed
-- or removed (TRUNCATE, which only an owner can run, is left for wiping a test database).
CREATE FUNCTION "admin_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admin_audit is append-only: % is not allowed', TG_OP;
END $$;
--> statement-breakpoint
CREATE TRIGGER "admin_audit_no_change" BEFORE UPDATE OR DELETE ON "admin_audit"
  FOR EACH ROW EXECUTE FUNCTION "admin_audit_append_only"();
