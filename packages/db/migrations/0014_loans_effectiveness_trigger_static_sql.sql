-- A loan's return, due time or cancellation moves its sent reminders in the effectiveness rollup.
-- The trigger built that statement as text and ran it with EXECUTE, so Postgres parsed and
-- planned a grouping query at every UPDATE of loans: every return, extension and cancellation.
-- It is now static PL/pgSQL over the transition tables, planned once per connection, as
-- notification_rollup_apply is for the log (0010). What it appends is unchanged: the same rows as
-- reminder_effectiveness_statement over the same source, which rebuild_notification_rollups
-- still uses.
CREATE OR REPLACE FUNCTION reminder_effectiveness_loans_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tz text := coalesce((SELECT timezone FROM stats_settings WHERE id = 1), 'UTC');
BEGIN
  -- Each loan whose counted columns changed, once as it is now (+1) and once as it was (-1).
  WITH changed AS (
    SELECT x.*
    FROM rollup_new_loans nw
    JOIN rollup_old_loans od ON od.id = nw.id
    CROSS JOIN LATERAL (VALUES
      (nw.id, nw.returned_at, nw.due_at, nw.cancelled_at, 1),
      (od.id, od.returned_at, od.due_at, od.cancelled_at, -1)
    ) AS x (id, returned_at, due_at, cancelled_at, n)
    WHERE (od.returned_at, od.due_at, od.cancelled_at)
      IS DISTINCT FROM (nw.returned_at, nw.due_at, nw.cancelled_at)
  )
  INSERT INTO reminder_effectiveness_rollup_delta
    (day, department_id, kind, channel, reminded, returned_on_time, returned_late)
  SELECT (l.created_at AT TIME ZONE tz)::date, l.department_id, l.kind, l.channel,
    sum(x.n),
    coalesce(sum(x.n) FILTER (WHERE x.returned_at <= x.due_at), 0),
    coalesce(sum(x.n) FILTER (WHERE x.returned_at > x.due_at), 0)
  FROM changed x
  JOIN notification_log l ON l.loan_id = x.id
  WHERE l.kind IN ('reminder_d2', 'reminder_d1', 'reminder_due_day', 'reminder_2h')
    AND l.status IN ('sent', 'delivered', 'read')
    AND x.cancelled_at IS NULL
  GROUP BY 1, 2, 3, 4
  HAVING sum(x.n) <> 0
    OR coalesce(sum(x.n) FILTER (WHERE x.returned_at <= x.due_at), 0) <> 0
    OR coalesce(sum(x.n) FILTER (WHERE x.returned_at > x.due_at), 0) <> 0;
  RETURN NULL;
END
$$;
