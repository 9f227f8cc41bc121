-- Live status across app instances (src/server/generations/live.ts): every change to what a user
-- sees of a generation is announced on the 'generation_changes' channel, whichever process or
-- tool wrote it, and every instance LISTENs and wakes its own subscribers. Payload:
-- "<project id>:<generation id>:<1 when it has ended, else 0>".
CREATE FUNCTION "notify_generation_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD."status", OLD."stage", OLD."stage_detail", OLD."attempts", OLD."engine", OLD."error_code", OLD."refunded_credits")
      IS NOT DISTINCT FROM (NEW."status", NEW."stage", NEW."stage_detail", NEW."attempts", NEW."engine", NEW."error_code", NEW."refunded_credits") THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('generation_changes',
    NEW."project_id" || ':' || NEW."id" || ':' || CASE WHEN NEW."status" IN ('succeeded', 'failed') THEN '1' ELSE '0' END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "generations_notify_changes"
  AFTER INSERT OR UPDATE OF "status", "stage", "stage_detail", "attempts", "engine", "error_code", "refunded_credits" ON "generations"
  FOR EACH ROW EXECUTE FUNCTION "notify_generation_changes"();
