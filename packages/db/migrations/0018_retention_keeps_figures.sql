-- The retention purge (reminder-scheduler, `pnpm rappel purge`) deletes messages older than
-- LOG_RETENTION_DAYS, 90 by default, and the delete trigger took them out of the rollups: a
-- year of stats showed the last 90 days. A purge now marks its transaction
-- (`set_config('rappel.retention_purge', 'on', true)`) and the trigger leaves the rollups as
-- they are: the messages go, their counts stay. Any other delete still takes its rows out.
-- The trigger records how far such deletes reached (stats_settings.history_purged_before, the
-- newest purged message's creation time); a rebuild keeps the days up to it, which the log can
-- no longer recompute. A purge only has to mark its transaction.

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
    -- The retention purge removes the messages, not what they counted.
    IF current_setting('rappel.retention_purge', true) = 'on' THEN
      UPDATE stats_settings
      SET history_purged_before = greatest(history_purged_before, (SELECT max(created_at) FROM rollup_old_rows))
      WHERE id = 1;
      RETURN NULL;
    END IF;
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
--> statement-breakpoint
-- Recomputes the rollups from the log in the zone given (APP_TIMEZONE), except the days the
-- retention purge reached (up to history_purged_before, in the zone the rollups were in): those
-- are kept as they are, since their messages are gone. The split is made in the old zone, so
-- every message is counted once whatever the zones; after a zone change, the kept days stay
-- in the old zone's days. Blocks writers of notification_log and loans while it runs.
CREATE OR REPLACE FUNCTION rebuild_notification_rollups(tz text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  stmt text;
  old_tz text;
  kept_through date;
  src text := 'SELECT l.department_id, l.loan_id, l.channel, l.kind, l.status, l.error_code, l.created_at, l.sent_at, l.delivered_at, 1 AS n FROM notification_log l';
BEGIN
  LOCK TABLE notification_log IN SHARE MODE;
  LOCK TABLE loans IN SHARE MODE;
  PERFORM pg_advisory_xact_lock(hashtext('fold_notification_rollups'));
  INSERT INTO stats_settings (id, timezone) VALUES (1, tz) ON CONFLICT (id) DO NOTHING;
  SELECT s.timezone, (s.history_purged_before AT TIME ZONE s.timezone)::date INTO old_tz, kept_through
  FROM stats_settings s WHERE s.id = 1;
  -- Every delta into the rollups first: the kept days must hold all they count.
  PERFORM fold_notification_rollups();
  DELETE FROM notification_daily_rollup WHERE kept_through IS NULL OR day > kept_through;
  DELETE FROM notification_latency_rollup WHERE kept_through IS NULL OR day > kept_through;
  DELETE FROM reminder_effectiveness_rollup WHERE kept_through IS NULL OR day > kept_through;
  DELETE FROM notification_monthly_rollup;
  DELETE FROM notification_latency_monthly_rollup;
  DELETE FROM reminder_effectiveness_monthly_rollup;
  PERFORM monthly_rollups_from_daily();
  UPDATE stats_settings SET timezone = tz WHERE id = 1;
  IF kept_through IS NOT NULL THEN
    src := src || format(' WHERE (l.created_at AT TIME ZONE %L)::date > %L::date', old_tz, kept_through);
  END IF;
  FOREACH stmt IN ARRAY notification_rollup_statements(src, tz) LOOP
    EXECUTE stmt;
  END LOOP;
  PERFORM fold_notification_rollups();
END
$$;
--> statement-breakpoint
-- A truncate of the log empties the rollups, purged history included: nothing is left to keep.
CREATE OR REPLACE FUNCTION notification_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE notification_daily_rollup, notification_latency_rollup, reminder_effectiveness_rollup,
    notification_monthly_rollup, notification_latency_monthly_rollup, reminder_effectiveness_monthly_rollup,
    notification_daily_rollup_delta, notification_latency_rollup_delta, reminder_effectiveness_rollup_delta;
  UPDATE stats_settings SET history_purged_before = NULL;
  RETURN NULL;
END
$$;
