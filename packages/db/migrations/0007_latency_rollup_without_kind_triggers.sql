-- As in reminder_effectiveness_triggers, with the latency histogram keyed without kind.
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
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (day, department_id, channel, metric, bucket) DO UPDATE SET
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
-- Refill the histogram (emptied by the previous migration) from the log.
INSERT INTO notification_latency_rollup (day, department_id, channel, metric, bucket, count)
SELECT x.day, x.department_id, x.channel, x.metric, x.bucket, count(*)
FROM (
  SELECT (l.created_at AT TIME ZONE s.tz)::date AS day, l.department_id, l.channel, 'sent' AS metric,
    latency_bucket(extract(epoch FROM l.sent_at - l.created_at)::float8) AS bucket
  FROM notification_log l, (SELECT coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC') AS tz) s
  WHERE l.sent_at IS NOT NULL
  UNION ALL
  SELECT (l.created_at AT TIME ZONE s.tz)::date, l.department_id, l.channel, 'delivered',
    latency_bucket(extract(epoch FROM l.delivered_at - l.created_at)::float8)
  FROM notification_log l, (SELECT coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC') AS tz) s
  WHERE l.delivered_at IS NOT NULL
) x
GROUP BY 1, 2, 3, 4, 5;
