-- The notification_log rollup trigger built its three statements as text and ran them with
-- EXECUTE, so Postgres parsed and planned three grouping queries on every firing; and every
-- UPDATE fired it, the delivery claim included, which changes no column the rollups count.
-- In the end-to-end benchmark that was most of Postgres's CPU per message
-- (docs/benchmarks.md, "Rollup triggers: static SQL").
--
-- Now the statements are static PL/pgSQL (planned once per connection) in one function,
-- notification_rollup_apply, which takes the rows to add and the rows to take away; and an
-- UPDATE hands it only the rows whose counted columns changed, so a claim or a lease renewal
-- costs one cheap comparison. What the deltas hold is unchanged (same grouping, same signs):
-- notification_rollup_statements stays, for rebuild_notification_rollups.

CREATE FUNCTION notification_rollup_apply(added notification_log[], removed notification_log[])
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  tz text;
BEGIN
  IF cardinality(added) = 0 AND cardinality(removed) = 0 THEN
    RETURN;
  END IF;
  tz := coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC');

  -- One statement: the rows to add (+1) and to take away (-1), read once for the three deltas.
  WITH d AS (
    SELECT a.*, 1 AS n FROM unnest(added) a
    UNION ALL
    SELECT r.*, -1 AS n FROM unnest(removed) r
  ),
  daily AS (
    INSERT INTO notification_daily_rollup_delta
      (day, department_id, channel, kind, status, error_code, count, sent_count, sent_seconds_sum,
       delivered_count, delivered_seconds_sum)
    SELECT (d.created_at AT TIME ZONE tz)::date, d.department_id, d.channel, d.kind, d.status,
      coalesce(d.error_code, ''), sum(d.n),
      coalesce(sum(d.n) FILTER (WHERE d.sent_at IS NOT NULL), 0),
      coalesce(sum(d.n * extract(epoch FROM d.sent_at - d.created_at)::float8)
        FILTER (WHERE d.sent_at IS NOT NULL), 0),
      coalesce(sum(d.n) FILTER (WHERE d.delivered_at IS NOT NULL), 0),
      coalesce(sum(d.n * extract(epoch FROM d.delivered_at - d.created_at)::float8)
        FILTER (WHERE d.delivered_at IS NOT NULL), 0)
    FROM d
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d.n) <> 0
      OR coalesce(sum(d.n) FILTER (WHERE d.sent_at IS NOT NULL), 0) <> 0
      OR coalesce(sum(d.n) FILTER (WHERE d.delivered_at IS NOT NULL), 0) <> 0
      OR abs(coalesce(sum(d.n * extract(epoch FROM d.sent_at - d.created_at)::float8), 0)) > 1e-6
      OR abs(coalesce(sum(d.n * extract(epoch FROM d.delivered_at - d.created_at)::float8), 0)) > 1e-6
  ),
  latency AS (
    INSERT INTO notification_latency_rollup_delta (day, department_id, channel, metric, bucket, count)
    SELECT x.day, x.department_id, x.channel, x.metric, x.bucket, sum(x.n)
    FROM (
      SELECT (d.created_at AT TIME ZONE tz)::date AS day, d.department_id, d.channel, 'sent' AS metric,
        latency_bucket(extract(epoch FROM d.sent_at - d.created_at)::float8) AS bucket, d.n
      FROM d WHERE d.sent_at IS NOT NULL
      UNION ALL
      SELECT (d.created_at AT TIME ZONE tz)::date, d.department_id, d.channel, 'delivered',
        latency_bucket(extract(epoch FROM d.delivered_at - d.created_at)::float8), d.n
      FROM d WHERE d.delivered_at IS NOT NULL
    ) x
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(x.n) <> 0
  )
  INSERT INTO reminder_effectiveness_rollup_delta
    (day, department_id, kind, channel, reminded, returned_on_time, returned_late)
  SELECT (e.created_at AT TIME ZONE tz)::date, e.department_id, e.kind, e.channel,
    sum(e.n),
    coalesce(sum(e.n) FILTER (WHERE lo.returned_at <= lo.due_at), 0),
    coalesce(sum(e.n) FILTER (WHERE lo.returned_at > lo.due_at), 0)
  FROM d e
  JOIN loans lo ON lo.id = e.loan_id
  WHERE e.kind IN ('reminder_d2', 'reminder_d1', 'reminder_due_day', 'reminder_2h')
    AND e.status IN ('sent', 'delivered', 'read')
    AND lo.cancelled_at IS NULL
  GROUP BY 1, 2, 3, 4
  HAVING sum(e.n) <> 0
    OR coalesce(sum(e.n) FILTER (WHERE lo.returned_at <= lo.due_at), 0) <> 0
    OR coalesce(sum(e.n) FILTER (WHERE lo.returned_at > lo.due_at), 0) <> 0;
END
$$;
--> statement-breakpoint
-- The columns the rollups count: an UPDATE that changes none of them changes no rollup.
-- A bulk statement (over 10 000 rows: seeding, a purge) keeps the dynamic statements, which
-- stream from the transition tables and are planned once for the whole statement; as arrays,
-- that many rows would all be held in memory.
CREATE OR REPLACE FUNCTION notification_rollup_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  cols text := 'r.department_id, r.loan_id, r.channel, r.kind, r.status, r.error_code, r.created_at, r.sent_at, r.delivered_at';
  src text;
  stmt text;
  added notification_log[];
  removed notification_log[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF (SELECT count(*) FROM rollup_old_rows) <= 10000 THEN
      PERFORM notification_rollup_apply('{}', ARRAY(SELECT r::notification_log FROM rollup_old_rows r));
      RETURN NULL;
    END IF;
    src := 'SELECT ' || cols || ', -1 AS n FROM rollup_old_rows r';
  ELSIF (SELECT count(*) FROM rollup_new_rows) <= 10000 THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM notification_rollup_apply(ARRAY(SELECT a::notification_log FROM rollup_new_rows a), '{}');
    ELSE
      -- The changed rows, new and old, in one pass over the transition tables.
      SELECT coalesce(array_agg(a::notification_log), '{}'), coalesce(array_agg(r::notification_log), '{}')
      INTO added, removed
      FROM rollup_new_rows a JOIN rollup_old_rows r ON r.id = a.id
      WHERE (a.department_id, a.loan_id, a.channel, a.kind, a.status, a.error_code, a.created_at,
             a.sent_at, a.delivered_at)
        IS DISTINCT FROM (r.department_id, r.loan_id, r.channel, r.kind, r.status, r.error_code,
             r.created_at, r.sent_at, r.delivered_at);
      PERFORM notification_rollup_apply(added, removed);
    END IF;
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    src := 'SELECT ' || cols || ', 1 AS n FROM rollup_new_rows r';
  ELSE
    src := 'SELECT ' || cols || ', 1 AS n FROM rollup_new_rows r'
      || ' UNION ALL SELECT ' || cols || ', -1 FROM rollup_old_rows r';
  END IF;
  FOREACH stmt IN ARRAY notification_rollup_statements(
    src, coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC')
  ) LOOP
    EXECUTE stmt;
  END LOOP;
  RETURN NULL;
END
$$;
