-- Keeps reminder_effectiveness_rollup (schema/stats.ts) current: the notification_log triggers
-- of migration stats_rollup gain a third statement, and a statement-level trigger on loans
-- moves a loan's reminders between "still out", "on time" and "late" when it is returned,
-- its due time changes or it is cancelled. Rows are written in key order, as in stats_rollup.
--
-- Known limit: a reminder marked sent in the same instant as its loan is returned, by two
-- concurrent transactions, can miss one "on time/late" count (neither sees the other's
-- uncommitted row). rebuild_notification_rollups() recomputes everything from the tables.

-- The statement adding `src` rows to the effectiveness rollup. `src` yields created_at,
-- department_id, kind, channel, status (of the log row), returned_at, due_at, cancelled_at
-- (of its loan) and n (+1 or -1).
CREATE FUNCTION reminder_effectiveness_statement(src text, tz text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    INSERT INTO reminder_effectiveness_rollup AS t
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
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, department_id, kind, channel) DO UPDATE SET
      reminded = t.reminded + excluded.reminded,
      returned_on_time = t.returned_on_time + excluded.returned_on_time,
      returned_late = t.returned_late + excluded.returned_late
  $q$, src, tz)
$$;
--> statement-breakpoint
-- Same two statements as before, plus the effectiveness one; `src` now also yields loan_id.
CREATE OR REPLACE FUNCTION notification_rollup_statements(src text, tz text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT (
    SELECT array_agg(stmt) FROM unnest(ARRAY[
      format($q$
        INSERT INTO notification_daily_rollup AS t
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
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (day, department_id, channel, kind, status, error_code) DO UPDATE SET
          count = t.count + excluded.count,
          sent_count = t.sent_count + excluded.sent_count,
          sent_seconds_sum = t.sent_seconds_sum + excluded.sent_seconds_sum,
          delivered_count = t.delivered_count + excluded.delivered_count,
          delivered_seconds_sum = t.delivered_seconds_sum + excluded.delivered_seconds_sum
      $q$, src, tz),
      format($q$
        INSERT INTO notification_latency_rollup AS t
          (day, department_id, channel, kind, metric, bucket, count)
        SELECT x.day, x.department_id, x.channel, x.kind, x.metric, x.bucket, sum(x.n)
        FROM (
          SELECT (d.created_at AT TIME ZONE %2$L)::date AS day, d.department_id, d.channel, d.kind,
            'sent' AS metric, latency_bucket(extract(epoch FROM d.sent_at - d.created_at)::float8) AS bucket, d.n
          FROM (%1$s) d WHERE d.sent_at IS NOT NULL
          UNION ALL
          SELECT (d.created_at AT TIME ZONE %2$L)::date, d.department_id, d.channel, d.kind,
            'delivered', latency_bucket(extract(epoch FROM d.delivered_at - d.created_at)::float8), d.n
          FROM (%1$s) d WHERE d.delivered_at IS NOT NULL
        ) x
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(x.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (day, department_id, channel, kind, metric, bucket) DO UPDATE SET
          count = t.count + excluded.count
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
CREATE OR REPLACE FUNCTION notification_rollup_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tz text := coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC');
  cols text := 'r.department_id, r.loan_id, r.channel, r.kind, r.status, r.error_code, r.created_at, r.sent_at, r.delivered_at';
  src text;
  stmt text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    src := 'SELECT ' || cols || ', 1 AS n FROM rollup_new_rows r';
  ELSIF TG_OP = 'DELETE' THEN
    src := 'SELECT ' || cols || ', -1 AS n FROM rollup_old_rows r';
  ELSE
    src := 'SELECT ' || cols || ', 1 AS n FROM rollup_new_rows r'
      || ' UNION ALL SELECT ' || cols || ', -1 FROM rollup_old_rows r';
  END IF;
  FOREACH stmt IN ARRAY notification_rollup_statements(src, tz) LOOP
    EXECUTE stmt;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A loan's return, due time or cancellation moves its sent reminders in the effectiveness rollup.
CREATE FUNCTION reminder_effectiveness_loans_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tz text := coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC');
BEGIN
  EXECUTE reminder_effectiveness_statement($src$
    SELECT l.created_at, l.department_id, l.kind, l.channel, l.status, x.returned_at, x.due_at, x.cancelled_at, x.n
    FROM (
      SELECT nw.id, nw.returned_at, nw.due_at, nw.cancelled_at, 1 AS n
      FROM rollup_new_loans nw JOIN rollup_old_loans od ON od.id = nw.id
      WHERE od.returned_at IS DISTINCT FROM nw.returned_at OR od.due_at IS DISTINCT FROM nw.due_at
        OR od.cancelled_at IS DISTINCT FROM nw.cancelled_at
      UNION ALL
      SELECT od.id, od.returned_at, od.due_at, od.cancelled_at, -1
      FROM rollup_new_loans nw JOIN rollup_old_loans od ON od.id = nw.id
      WHERE od.returned_at IS DISTINCT FROM nw.returned_at OR od.due_at IS DISTINCT FROM nw.due_at
        OR od.cancelled_at IS DISTINCT FROM nw.cancelled_at
    ) x
    JOIN notification_log l ON l.loan_id = x.id
  $src$, tz);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER reminder_effectiveness_loans AFTER UPDATE ON loans
  REFERENCING OLD TABLE AS rollup_old_loans NEW TABLE AS rollup_new_loans
  FOR EACH STATEMENT EXECUTE FUNCTION reminder_effectiveness_loans_trigger();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notification_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE notification_daily_rollup, notification_latency_rollup, reminder_effectiveness_rollup;
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
  INSERT INTO stats_settings (id, timezone) VALUES (1, tz)
    ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone;
  DELETE FROM notification_daily_rollup;
  DELETE FROM notification_latency_rollup;
  DELETE FROM reminder_effectiveness_rollup;
  FOREACH stmt IN ARRAY notification_rollup_statements(
    'SELECT l.department_id, l.loan_id, l.channel, l.kind, l.status, l.error_code, l.created_at, l.sent_at, l.delivered_at, 1 AS n FROM notification_log l',
    tz
  ) LOOP
    EXECUTE stmt;
  END LOOP;
END
$$;
--> statement-breakpoint
-- Rows already in the log when this migration runs.
DO $$
BEGIN
  EXECUTE reminder_effectiveness_statement(
    'SELECT l.created_at, l.department_id, l.kind, l.channel, l.status, lo.returned_at, lo.due_at, lo.cancelled_at, 1 AS n'
      || ' FROM notification_log l JOIN loans lo ON lo.id = l.loan_id',
    coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC')
  );
END
$$;
