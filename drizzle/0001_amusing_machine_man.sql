CREATE TABLE "executor_events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"dedupe_key" text,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "executor_functions" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"name" text,
	"url" text NOT NULL,
	"config" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "executor_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"function_id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"sort_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"event_name" text,
	"expression" text,
	"concurrency_key" text,
	"concurrency_limit" integer
);
--> statement-breakpoint
CREATE TABLE "executor_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"disable_immediate_execution" boolean DEFAULT false NOT NULL,
	"concurrency_key" text,
	"concurrency_limit" integer,
	"output" jsonb,
	"error" jsonb,
	"calls" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "executor_steps" (
	"run_id" text NOT NULL,
	"step_id" text NOT NULL,
	"name" text,
	"op" text NOT NULL,
	"status" text NOT NULL,
	"data" jsonb,
	"error" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"seq" integer,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	CONSTRAINT "executor_steps_run_id_step_id_pk" PRIMARY KEY("run_id","step_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "executor_events_dedupe_key" ON "executor_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "executor_events_name" ON "executor_events" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "executor_jobs_run_target" ON "executor_jobs" USING btree ("run_id","target");--> statement-breakpoint
CREATE INDEX "executor_jobs_due" ON "executor_jobs" USING btree ("sort_at");--> statement-breakpoint
CREATE INDEX "executor_jobs_concurrency" ON "executor_jobs" USING btree ("concurrency_key") WHERE "executor_jobs"."concurrency_key" is not null;--> statement-breakpoint
CREATE INDEX "executor_jobs_waits" ON "executor_jobs" USING btree ("event_name") WHERE "executor_jobs"."kind" = 'wait';--> statement-breakpoint
CREATE INDEX "executor_runs_function_created" ON "executor_runs" USING btree ("function_id","created_at");--> statement-breakpoint
CREATE INDEX "executor_runs_status" ON "executor_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "executor_runs_event" ON "executor_runs" USING btree ("event_id");