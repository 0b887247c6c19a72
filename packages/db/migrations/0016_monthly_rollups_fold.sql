-- Monthly rollups beside the daily ones (tables in monthly_rollups). A year of stats read
-- 365 daily rows per key, grouped seven ways: 119-134 ms for a super admin on a slow host, over
-- the 100 ms goal (docs/benchmarks.md, "Where a message's cost could still go"). The whole
-- months of a range are now read from here, twelve rows per key a year.
--
-- Only the fold writes them, in the statement that deletes the deltas and writes the daily
-- rows, so a reader's snapshot sees a delta in exactly one of: the delta table, or both the
-- daily and the monthly rollup. The *_monthly_rollup_current views add the unfolded deltas by
-- month, as the daily views do by day. The triggers are unchanged.

CREATE OR REPLACE FUNCTION fold_notification_rollups() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  folded bigint := 0;
  n bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('fold_notification_rollups')) THEN
    RETURN -1;
  END IF;
  WITH d AS (DELETE FROM notification_daily_rollup_delta RETURNING *),
  s AS (
    SELECT day, department_id, channel, kind, status, error_code, sum(count) AS count,
      sum(sent_count) AS sent_count, sum(sent_seconds_sum) AS sent_seconds_sum,
      sum(delivered_count) AS delivered_count, sum(delivered_seconds_sum) AS delivered_seconds_sum,
      count(*) AS rows
    FROM d GROUP BY 1, 2, 3, 4, 5, 6
  ),
  up AS (
    INSERT INTO notification_daily_rollup AS t
      (day, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
       delivered_count, delivered_seconds_sum)
    SELECT day, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
      delivered_count, delivered_seconds_sum
    FROM s
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, department_id, channel, kind, status, error_code) DO UPDATE SET
      count = t.count + excluded.count,
      sent_count = t.sent_count + excluded.sent_count,
      sent_seconds_sum = t.sent_seconds_sum + excluded.sent_seconds_sum,
      delivered_count = t.delivered_count + excluded.delivered_count,
      delivered_seconds_sum = t.delivered_seconds_sum + excluded.delivered_seconds_sum
  ),
  up_month AS (
    INSERT INTO notification_monthly_rollup AS t
      (month, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
       delivered_count, delivered_seconds_sum)
    SELECT date_trunc('month', day::timestamp)::date, department_id, channel, kind, status, error_code, sum(count),
      sum(sent_count), sum(sent_seconds_sum), sum(delivered_count), sum(delivered_seconds_sum)
    FROM s
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, department_id, channel, kind, status, error_code) DO UPDATE SET
      count = t.count + excluded.count,
      sent_count = t.sent_count + excluded.sent_count,
      sent_seconds_sum = t.sent_seconds_sum + excluded.sent_seconds_sum,
      delivered_count = t.delivered_count + excluded.delivered_count,
      delivered_seconds_sum = t.delivered_seconds_sum + excluded.delivered_seconds_sum
  )
  SELECT coalesce(sum(rows), 0) INTO n FROM s;
  folded := folded + n;

  WITH d AS (DELETE FROM notification_latency_rollup_delta RETURNING *),
  s AS (
    SELECT day, department_id, channel, metric, bucket, sum(count) AS count, count(*) AS rows
    FROM d GROUP BY 1, 2, 3, 4, 5
  ),
  up AS (
    INSERT INTO notification_latency_rollup AS t (day, department_id, channel, metric, bucket, count)
    SELECT day, department_id, channel, metric, bucket, count FROM s
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (day, department_id, channel, metric, bucket) DO UPDATE SET
      count = t.count + excluded.count
  ),
  up_month AS (
    INSERT INTO notification_latency_monthly_rollup AS t (month, department_id, channel, metric, bucket, count)
    SELECT date_trunc('month', day::timestamp)::date, department_id, channel, metric, bucket, sum(count) FROM s
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (month, department_id, channel, metric, bucket) DO UPDATE SET
      count = t.count + excluded.count
  )
  SELECT coalesce(sum(rows), 0) INTO n FROM s;
  folded := folded + n;

  WITH d AS (DELETE FROM reminder_effectiveness_rollup_delta RETURNING *),
  s AS (
    SELECT day, department_id, kind, channel, sum(reminded) AS reminded,
      sum(returned_on_time) AS returned_on_time, sum(returned_late) AS returned_late, count(*) AS rows
    FROM d GROUP BY 1, 2, 3, 4
  ),
  up AS (
    INSERT INTO reminder_effectiveness_rollup AS t
      (day, department_id, kind, channel, reminded, returned_on_time, returned_late)
    SELECT day, department_id, kind, channel, reminded, returned_on_time, returned_late FROM s
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, department_id, kind, channel) DO UPDATE SET
      reminded = t.reminded + excluded.reminded,
      returned_on_time = t.returned_on_time + excluded.returned_on_time,
      returned_late = t.returned_late + excluded.returned_late
  ),
  up_month AS (
    INSERT INTO reminder_effectiveness_monthly_rollup AS t
      (month, department_id, kind, channel, reminded, returned_on_time, returned_late)
    SELECT date_trunc('month', day::timestamp)::date, department_id, kind, channel, sum(reminded),
      sum(returned_on_time), sum(returned_late) FROM s
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (month, department_id, kind, channel) DO UPDATE SET
      reminded = t.reminded + excluded.reminded,
      returned_on_time = t.returned_on_time + excluded.returned_on_time,
      returned_late = t.returned_late + excluded.returned_late
  )
  SELECT coalesce(sum(rows), 0) INTO n FROM s;
  folded := folded + n;
  RETURN folded;
END
$$;
--> statement-breakpoint
-- What readers use for whole months: the monthly rows plus the deltas not yet folded, by month
-- (not grouped: the reader's own GROUP BY adds them up).
CREATE VIEW notification_monthly_rollup_current AS
  SELECT month, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
    delivered_count, delivered_seconds_sum
  FROM notification_monthly_rollup
  UNION ALL
  SELECT date_trunc('month', day::timestamp)::date, department_id, channel, kind, status, error_code, count,
    sent_count, sent_seconds_sum, delivered_count, delivered_seconds_sum
  FROM notification_daily_rollup_delta;
--> statement-breakpoint
CREATE VIEW notification_latency_monthly_rollup_current AS
  SELECT month, department_id, channel, metric, bucket, count FROM notification_latency_monthly_rollup
  UNION ALL
  SELECT date_trunc('month', day::timestamp)::date, department_id, channel, metric, bucket, count
  FROM notification_latency_rollup_delta;
--> statement-breakpoint
CREATE VIEW reminder_effectiveness_monthly_rollup_current AS
  SELECT month, department_id, kind, channel, reminded, returned_on_time, returned_late
  FROM reminder_effectiveness_monthly_rollup
  UNION ALL
  SELECT date_trunc('month', day::timestamp)::date, department_id, kind, channel, reminded, returned_on_time,
    returned_late
  FROM reminder_effectiveness_rollup_delta;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notification_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE notification_daily_rollup, notification_latency_rollup, reminder_effectiveness_rollup,
    notification_monthly_rollup, notification_latency_monthly_rollup, reminder_effectiveness_monthly_rollup,
    notification_daily_rollup_delta, notification_latency_rollup_delta, reminder_effectiveness_rollup_delta;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rebuild_notification_rollups(tz text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  stmt text;
BEGIN
  LOCK TABLE notification_log IN SHARE MODE;
  LOCK TABLE loans IN SHARE MODE;
  PERFORM pg_advisory_xact_lock(hashtext('fold_notification_rollups'));
  INSERT INTO stats_settings (id, timezone) VALUES (1, tz)
    ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone;
  DELETE FROM notification_daily_rollup;
  DELETE FROM notification_latency_rollup;
  DELETE FROM reminder_effectiveness_rollup;
  DELETE FROM notification_monthly_rollup;
  DELETE FROM notification_latency_monthly_rollup;
  DELETE FROM reminder_effectiveness_monthly_rollup;
  DELETE FROM notification_daily_rollup_delta;
  DELETE FROM notification_latency_rollup_delta;
  DELETE FROM reminder_effectiveness_rollup_delta;
  FOREACH stmt IN ARRAY notification_rollup_statements(
    'SELECT l.department_id, l.loan_id, l.channel, l.kind, l.status, l.error_code, l.created_at, l.sent_at, l.delivered_at, 1 AS n FROM notification_log l',
    tz
  ) LOOP
    EXECUTE stmt;
  END LOOP;
  PERFORM fold_notification_rollups();
END
$$;
--> statement-breakpoint
-- The monthly rollups computed from the daily ones (the monthly tables empty, deltas aside):
-- the migration's backfill, and rebuild_notification_rollups after it keeps purged days.
CREATE FUNCTION monthly_rollups_from_daily() RETURNS void
LANGUAGE sql AS $$
  INSERT INTO notification_monthly_rollup
    (month, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
     delivered_count, delivered_seconds_sum)
  SELECT date_trunc('month', day::timestamp)::date, department_id, channel, kind, status, error_code,
    sum(count), sum(sent_count), sum(sent_seconds_sum), sum(delivered_count), sum(delivered_seconds_sum)
  FROM notification_daily_rollup
  GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO notification_latency_monthly_rollup (month, department_id, channel, metric, bucket, count)
  SELECT date_trunc('month', day::timestamp)::date, department_id, channel, metric, bucket, sum(count)
  FROM notification_latency_rollup
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO reminder_effectiveness_monthly_rollup
    (month, department_id, kind, channel, reminded, returned_on_time, returned_late)
  SELECT date_trunc('month', day::timestamp)::date, department_id, kind, channel, sum(reminded),
    sum(returned_on_time), sum(returned_late)
  FROM reminder_effectiveness_rollup
  GROUP BY 1, 2, 3, 4;
$$;
--> statement-breakpoint
-- The months of what is already folded (the deltas fold into both later). Migrations run in
-- one transaction: holding the fold's lock to its end, no fold moves rows in between.
SELECT pg_advisory_xact_lock(hashtext('fold_notification_rollups'));
--> statement-breakpoint
SELECT monthly_rollups_from_daily();
