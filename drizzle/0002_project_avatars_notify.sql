-- With the embedded database the app is the only process, so avatar.list's cache can listen for
-- changes instead of reading projects.avatars_version on every request (generations/tiles.ts). A
-- session asks for them with SET avatar_studio.notify_project_avatars = 'on'; on a PostgreSQL
-- server nobody does, and no commit pays for a NOTIFY (they serialise on the notify queue's lock).
CREATE FUNCTION "notify_project_avatars"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('avatar_studio.notify_project_avatars', true) = 'on' THEN
    PERFORM pg_notify('project_avatars', OLD."id");
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "projects_notify_avatars" AFTER UPDATE OF "avatars_version", "user_id" OR DELETE ON "projects"
  FOR EACH ROW EXECUTE FUNCTION "notify_project_avatars"();
