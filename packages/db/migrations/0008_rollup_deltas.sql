CREATE TABLE "notification_daily_rollup_delta" (
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
	"delivered_seconds_sum" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_latency_rollup_delta" (
	"day" date NOT NULL,
	"department_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminder_effectiveness_rollup_delta" (
	"day" date NOT NULL,
	"department_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"reminded" bigint DEFAULT 0 NOT NULL,
	"returned_on_time" bigint DEFAULT 0 NOT NULL,
	"returned_late" bigint DEFAULT 0 NOT NULL
);
