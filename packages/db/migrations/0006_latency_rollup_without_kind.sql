-- The latency histogram loses its kind column (schema/stats.ts). The table is derived: it is
-- emptied here and refilled from notification_log by the next migration.
TRUNCATE "notification_latency_rollup";--> statement-breakpoint
ALTER TABLE "notification_latency_rollup" DROP CONSTRAINT "notification_latency_rollup_day_department_id_channel_kind_metric_bucket_pk";--> statement-breakpoint
ALTER TABLE "notification_latency_rollup" ADD CONSTRAINT "notification_latency_rollup_day_department_id_channel_metric_bucket_pk" PRIMARY KEY("day","department_id","channel","metric","bucket");--> statement-breakpoint
ALTER TABLE "notification_latency_rollup" DROP COLUMN "kind";