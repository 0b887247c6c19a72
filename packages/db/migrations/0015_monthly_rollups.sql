CREATE TABLE "notification_latency_monthly_rollup" (
	"month" date NOT NULL,
	"department_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "notification_latency_monthly_rollup_month_department_id_channel_metric_bucket_pk" PRIMARY KEY("month","department_id","channel","metric","bucket")
);
--> statement-breakpoint
CREATE TABLE "notification_monthly_rollup" (
	"month" date NOT NULL,
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
	CONSTRAINT "notification_monthly_rollup_month_department_id_channel_kind_status_error_code_pk" PRIMARY KEY("month","department_id","channel","kind","status","error_code")
);
--> statement-breakpoint
CREATE TABLE "reminder_effectiveness_monthly_rollup" (
	"month" date NOT NULL,
	"department_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"reminded" bigint DEFAULT 0 NOT NULL,
	"returned_on_time" bigint DEFAULT 0 NOT NULL,
	"returned_late" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "reminder_effectiveness_monthly_rollup_month_department_id_kind_channel_pk" PRIMARY KEY("month","department_id","kind","channel")
);
