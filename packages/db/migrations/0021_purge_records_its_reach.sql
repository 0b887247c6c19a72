-- The rollup trigger records how far a retention purge reached (stats_settings.
-- history_purged_before, the newest purged message's creation time), and the purge only marks
-- its transaction. That change was made by editing 0018 after it had been applied, and the
-- migrator never runs an applied migration again: a database migrated before it kept the trigger
-- that records nothing, while the purge no longer wrote the setting itself, so a rebuild would
-- recompute, from a log without them, the days the purge took away. The trigger as 0018 now has
-- it; on a database created since, the same function again.

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
