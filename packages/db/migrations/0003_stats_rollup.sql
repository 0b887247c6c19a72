-- Read model of stats-service (schema/stats.ts): notification_daily_rollup and
-- notification_latency_rollup, kept current by statement-level triggers on notification_log so
-- that no writer has to remember them. Each statement's changes are aggregated once (bulk
-- inserts and replays touch each rollup row once) and rollup rows are written in key order,
-- so concurrent writers lock them in the same order and cannot deadlock on them.
INSERT INTO "stats_settings" ("id", "timezone") VALUES (1, 'Africa/Libreville') ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION latency_bucket(seconds double precision) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN seconds IS NULL THEN NULL
    WHEN seconds <= 1 THEN 0
    ELSE least(ceil(ln(seconds) / ln(1.25)), 120)::smallint
  END
$$;
--> statement-breakpoint
-- The two statements that add the rows of `src` (notification_log columns plus `n`, +1 or -1)
-- to the rollups, with days computed in `tz`.
CREATE FUNCTION notification_rollup_statements(src text, tz text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY[
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
    $q$, src, tz)
  ]
$$;
--> statement-breakpoint
-- Transition tables are visible only to the trigger function itself, so it runs the
-- statements with EXECUTE here rather than through a helper.
CREATE FUNCTION notification_rollup_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tz text := coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC');
  src text;
  stmt text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    src := 'SELECT r.department_id, r.channel, r.kind, r.status, r.error_code, r.created_at, r.sent_at, r.delivered_at, 1 AS n FROM rollup_new_rows r';
  ELSIF TG_OP = 'DELETE' THEN
    src := 'SELECT r.department_id, r.channel, r.kind, r.status, r.error_code, r.created_at, r.sent_at, r.delivered_at, -1 AS n FROM rollup_old_rows r';
  ELSE
    src := 'SELECT r.department_id, r.channel, r.kind, r.status, r.error_code, r.created_at, r.sent_at, r.delivered_at, 1 AS n FROM rollup_new_rows r'
      || ' UNION ALL SELECT r.department_id, r.channel, r.kind, r.status, r.error_code, r.created_at, r.sent_at, r.delivered_at, -1 FROM rollup_old_rows r';
  END IF;
  FOREACH stmt IN ARRAY notification_rollup_statements(src, tz) LOOP
    EXECUTE stmt;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notification_rollup_insert AFTER INSERT ON notification_log
  REFERENCING NEW TABLE AS rollup_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notification_rollup_trigger();
--> statement-breakpoint
CREATE TRIGGER notification_rollup_update AFTER UPDATE ON notification_log
  REFERENCING OLD TABLE AS rollup_old_rows NEW TABLE AS rollup_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notification_rollup_trigger();
--> statement-breakpoint
CREATE TRIGGER notification_rollup_delete AFTER DELETE ON notification_log
  REFERENCING OLD TABLE AS rollup_old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notification_rollup_trigger();
--> statement-breakpoint
CREATE FUNCTION notification_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE notification_daily_rollup, notification_latency_rollup;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notification_rollup_truncate AFTER TRUNCATE ON notification_log
  FOR EACH STATEMENT EXECUTE FUNCTION notification_rollup_truncate();
--> statement-breakpoint
-- Recomputes both rollups from the log, in the zone given (APP_TIMEZONE). Blocks writers of
-- notification_log while it runs; meant for a zone change or a repair, not for routine use.
CREATE FUNCTION rebuild_notification_rollups(tz text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  stmt text;
BEGIN
  LOCK TABLE notification_log IN SHARE MODE;
  INSERT INTO stats_settings (id, timezone) VALUES (1, tz)
    ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone;
  DELETE FROM notification_daily_rollup;
  DELETE FROM notification_latency_rollup;
  FOREACH stmt IN ARRAY notification_rollup_statements(
    'SELECT l.department_id, l.channel, l.kind, l.status, l.error_code, l.created_at, l.sent_at, l.delivered_at, 1 AS n FROM notification_log l',
    tz
  ) LOOP
    EXECUTE stmt;
  END LOOP;
END
$$;
