CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_throttle" (
	"email_key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone DEFAULT now() NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_daily_rollup" (
	"day" date NOT NULL,
	"department_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"error_code" text DEFAULT '' NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	"sent_count" bigint DEFAULT 0 NOT NULL,
	"sent_seconds_sum" double precision DEFAULT 0 NOT NULL,
	"delivered_count" bigint DEFAULT 0 NOT NULL,
	"delivered_seconds_sum" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "notification_daily_rollup_day_department_id_channel_kind_status_error_code_pk" PRIMARY KEY("day","department_id","channel","kind","status","error_code")
);
--> statement-breakpoint
CREATE TABLE "notification_latency_rollup" (
	"day" date NOT NULL,
	"department_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "notification_latency_rollup_day_department_id_channel_kind_metric_bucket_pk" PRIMARY KEY("day","department_id","channel","kind","metric","bucket")
);
--> statement-breakpoint
CREATE TABLE "stats_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"timezone" text DEFAULT 'Africa/Libreville' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sign_in_throttle_last_failure_idx" ON "sign_in_throttle" USING btree ("last_failure_at") WHERE "sign_in_throttle"."failures" > 0;--> statement-breakpoint
CREATE INDEX "notification_daily_rollup_department_day_idx" ON "notification_daily_rollup" USING btree ("department_id","day");--> statement-breakpoint
CREATE INDEX "notification_latency_rollup_department_day_idx" ON "notification_latency_rollup" USING btree ("department_id","day");