ALTER TABLE "projects" ADD COLUMN "avatars_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- avatar.list caches a project's tiles per process and answers from the cache only while this
-- version is unchanged. The database bumps it in the same transaction as the change, whoever
-- makes it (the workflow, a delete, another process), so a cache can't outlive its data.
CREATE FUNCTION "bump_project_avatars_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "projects" SET "avatars_version" = "avatars_version" + 1 WHERE "id" = OLD."project_id";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW."project_id" IS DISTINCT FROM OLD."project_id") THEN
    UPDATE "projects" SET "avatars_version" = "avatars_version" + 1 WHERE "id" = NEW."project_id";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "avatars_bump_project_version" AFTER INSERT OR UPDATE OR DELETE ON "avatars"
  FOR EACH ROW EXECUTE FUNCTION "bump_project_avatars_version"();
--> statement-breakpoint
-- A tile shows its generation's name (settings->>'name').
CREATE TRIGGER "generations_bump_project_version" AFTER UPDATE OF "settings", "project_id" ON "generations"
  FOR EACH ROW EXECUTE FUNCTION "bump_project_avatars_version"();
