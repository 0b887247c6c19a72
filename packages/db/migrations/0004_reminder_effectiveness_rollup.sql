CREATE TABLE "reminder_effectiveness_rollup" (
	"day" date NOT NULL,
	"department_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"reminded" bigint DEFAULT 0 NOT NULL,
	"returned_on_time" bigint DEFAULT 0 NOT NULL,
	"returned_late" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "reminder_effectiveness_rollup_day_department_id_kind_channel_pk" PRIMARY KEY("day","department_id","kind","channel")
);
--> statement-breakpoint
CREATE INDEX "reminder_effectiveness_rollup_department_day_idx" ON "reminder_effectiveness_rollup" USING btree ("department_id","day");