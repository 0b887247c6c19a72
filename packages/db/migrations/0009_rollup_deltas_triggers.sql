-- The rollup triggers stop updating shared rows: every loan created today in one department
-- for one kind and channel used to upsert the same rollup row and hold its lock until commit,
-- so loan creation and every sender's status change serialised on a handful of rows
-- (docs/benchmarks.md, "Rollup contention"). They now append each statement's aggregated
-- changes to the *_delta tables (migration rollup_deltas): a plain insert, no conflict, no
-- shared row. fold_notification_rollups() moves the deltas into the rollups, and the
-- *_current views (rollup rows plus unfolded deltas) are what readers use: exact whether or
-- not the fold has run, since a fold deletes its deltas and upserts their sums in one statement.

CREATE OR REPLACE FUNCTION reminder_effectiveness_statement(src text, tz text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    INSERT INTO reminder_effectiveness_rollup_delta
      (day, department_id, kind, channel, reminded, returned_on_time, returned_late)
    SELECT (e.created_at AT TIME ZONE %2$L)::date, e.department_id, e.kind, e.channel,
      sum(e.n),
      coalesce(sum(e.n) FILTER (WHERE e.returned_at <= e.due_at), 0),
      coalesce(sum(e.n) FILTER (WHERE e.returned_at > e.due_at), 0)
    FROM (%1$s) e
    WHERE e.kind IN ('reminder_d2', 'reminder_d1', 'reminder_due_day', 'reminder_2h')
      AND e.status IN ('sent', 'delivered', 'read')
      AND e.cancelled_at IS NULL
    GROUP BY 1, 2, 3, 4
    HAVING sum(e.n) <> 0
      OR coalesce(sum(e.n) FILTER (WHERE e.returned_at <= e.due_at), 0) <> 0
      OR coalesce(sum(e.n) FILTER (WHERE e.returned_at > e.due_at), 0) <> 0
  $q$, src, tz)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notification_rollup_statements(src text, tz text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT (
    SELECT array_agg(stmt) FROM unnest(ARRAY[
      format($q$
        INSERT INTO notification_daily_rollup_delta
          (day, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
           delivered_count, delivered_seconds_sum)
        SELECT (d.created_at AT TIME ZONE %2$L)::date, d.department_id, d.channel, d.kind, d.status,
          coalesce(d.error_code, ''), sum(d.n),
          coalesce(sum(d.n) FILTER (WHERE d.sent_at IS NOT NULL), 0),
          coalesce(sum(d.n * extract(epoch FROM d.sent_at - d.created_at)::float8)
            FILTER (WHERE d.sent_at IS NOT NULL), 0),
          coalesce(sum(d.n) FILTER (WHERE d.delivered_at IS NOT NULL), 0),
          coalesce(sum(d.n * extract(epoch FROM d.delivered_at - d.created_at)::float8)
            FILTER (WHERE d.delivered_at IS NOT NULL), 0)
        FROM (%1$s) d
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(d.n) <> 0
          OR coalesce(sum(d.n) FILTER (WHERE d.sent_at IS NOT NULL), 0) <> 0
          OR coalesce(sum(d.n) FILTER (WHERE d.delivered_at IS NOT NULL), 0) <> 0
          OR abs(coalesce(sum(d.n * extract(epoch FROM d.sent_at - d.created_at)::float8), 0)) > 1e-6
          OR abs(coalesce(sum(d.n * extract(epoch FROM d.delivered_at - d.created_at)::float8), 0)) > 1e-6
      $q$, src, tz),
      format($q$
        INSERT INTO notification_latency_rollup_delta
          (day, department_id, channel, metric, bucket, count)
        SELECT x.day, x.department_id, x.channel, x.metric, x.bucket, sum(x.n)
        FROM (
          SELECT (d.created_at AT TIME ZONE %2$L)::date AS day, d.department_id, d.channel,
            'sent' AS metric, latency_bucket(extract(epoch FROM d.sent_at - d.created_at)::float8) AS bucket, d.n
          FROM (%1$s) d WHERE d.sent_at IS NOT NULL
          UNION ALL
          SELECT (d.created_at AT TIME ZONE %2$L)::date, d.department_id, d.channel,
            'delivered', latency_bucket(extract(epoch FROM d.delivered_at - d.created_at)::float8), d.n
          FROM (%1$s) d WHERE d.delivered_at IS NOT NULL
        ) x
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(x.n) <> 0
      $q$, src, tz),
      reminder_effectiveness_statement(
        'SELECT d.created_at, d.department_id, d.kind, d.channel, d.status, lo.returned_at, lo.due_at, lo.cancelled_at, d.n'
          || ' FROM (' || src || ') d JOIN loans lo ON lo.id = d.loan_id',
        tz
      )
    ]) AS stmt
  )
$$;
--> statement-breakpoint
-- Moves every committed delta into the rollups: per table one statement that deletes the
-- deltas and upserts their sums in key order, so a reader (one snapshot) sees either the
-- deltas or their sums, never both or neither. Deltas of transactions not yet committed are
-- not visible to the delete and stay for the next fold. One fold at a time (advisory lock; a
-- second caller returns -1 at once). Returns the number of delta rows folded.
CREATE FUNCTION fold_notification_rollups() RETURNS bigint
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
  )
  SELECT coalesce(sum(rows), 0) INTO n FROM s;
  folded := folded + n;
  RETURN folded;
END
$$;
--> statement-breakpoint
-- What readers use: the rollup rows plus the deltas not yet folded (not grouped: the reader's
-- own GROUP BY adds them up).
CREATE VIEW notification_daily_rollup_current AS
  SELECT day, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
    delivered_count, delivered_seconds_sum
  FROM notification_daily_rollup
  UNION ALL
  SELECT day, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
    delivered_count, delivered_seconds_sum
  FROM notification_daily_rollup_delta;
--> statement-breakpoint
CREATE VIEW notification_latency_rollup_current AS
  SELECT day, department_id, channel, metric, bucket, count FROM notification_latency_rollup
  UNION ALL
  SELECT day, department_id, channel, metric, bucket, count FROM notification_latency_rollup_delta;
--> statement-breakpoint
CREATE VIEW reminder_effectiveness_rollup_current AS
  SELECT day, department_id, kind, channel, reminded, returned_on_time, returned_late
  FROM reminder_effectiveness_rollup
  UNION ALL
  SELECT day, department_id, kind, channel, reminded, returned_on_time, returned_late
  FROM reminder_effectiveness_rollup_delta;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notification_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE notification_daily_rollup, notification_latency_rollup, reminder_effectiveness_rollup,
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
