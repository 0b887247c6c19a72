import { createTestDatabase, fixtures, type TestDatabase } from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The rollups are kept by triggers: after any mix of inserts, updates and deletes they must
 * equal a naive GROUP BY over notification_log.
 */
let database: TestDatabase;
let departments: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  const f = fixtures(database.db);
  departments = [(await f.department()).id, (await f.department()).id];
});
afterAll(async () => {
  await database?.drop();
});

async function rollupMatchesLog() {
  const { sql } = database;
  const diff = await sql`
    with naive as (
      select (created_at at time zone (select timezone from stats_settings))::date as day, department_id,
        channel, kind, status, coalesce(error_code, '') as error_code, count(*)::bigint as count,
        count(sent_at)::bigint as sent_count,
        round(coalesce(sum(extract(epoch from sent_at - created_at)), 0)::numeric, 3) as sent_seconds,
        count(delivered_at)::bigint as delivered_count,
        round(coalesce(sum(extract(epoch from delivered_at - created_at)), 0)::numeric, 3) as delivered_seconds
      from notification_log group by 1, 2, 3, 4, 5, 6
    ), rolled as (
      select day, department_id, channel, kind, status, error_code, count, sent_count,
        round(sent_seconds_sum::numeric, 3) as sent_seconds, delivered_count,
        round(delivered_seconds_sum::numeric, 3) as delivered_seconds
      from notification_daily_rollup
      where count <> 0 or sent_count <> 0 or delivered_count <> 0
    )
    (select 'missing' as side, * from naive except select 'missing', * from rolled)
    union all
    (select 'extra', * from rolled except select 'extra', * from naive)`;
  const latencyDiff = await sql`
    with naive as (
      select (created_at at time zone (select timezone from stats_settings))::date as day, department_id,
        channel, kind, 'sent' as metric, latency_bucket(extract(epoch from sent_at - created_at)::float8) bucket,
        count(*)::bigint n
      from notification_log where sent_at is not null group by 1, 2, 3, 4, 5, 6
      union all
      select (created_at at time zone (select timezone from stats_settings))::date, department_id, channel, kind,
        'delivered', latency_bucket(extract(epoch from delivered_at - created_at)::float8), count(*)::bigint
      from notification_log where delivered_at is not null group by 1, 2, 3, 4, 5, 6
    ), rolled as (
      select day, department_id, channel, kind, metric, bucket, count n from notification_latency_rollup where count <> 0
    )
    (select * from naive except select * from rolled) union all (select * from rolled except select * from naive)`;
  return { diff: [...diff], latencyDiff: [...latencyDiff] };
}

describe('notification rollups', () => {
  it('follow bulk inserts, single and bulk updates, and deletes', async () => {
    const { sql } = database;
    await sql`
      insert into notification_log (idempotency_key, department_id, kind, channel, recipient_type, recipient_id,
        status, error_code, created_at, sent_at, delivered_at)
      select 'k' || g,
        (${sql.array(departments)}::uuid[])[1 + g % 2],
        (array['loan_created','reminder_d1','overdue','reminder_2h'])[1 + g % 4],
        (array['email','whatsapp'])[1 + g % 2 + (g / 7) % 1],
        'client', gen_random_uuid(),
        (array['pending','sent','delivered','failed','permanent_failure','skipped'])[1 + g % 6],
        case when g % 6 in (3, 4) then (array['550','21211','ETIMEDOUT'])[1 + g % 3] end,
        now() - (g % 20) * interval '7 hours',
        case when g % 6 in (1, 2) then now() - (g % 20) * interval '7 hours' + (g % 300) * interval '1 second' end,
        case when g % 6 = 2 then now() - (g % 20) * interval '7 hours' + (g % 900) * interval '1 second' end
      from generate_series(1, 600) g`;
    expect(await rollupMatchesLog()).toEqual({ diff: [], latencyDiff: [] });

    // A sender's single-row transitions.
    await sql`update notification_log set status = 'sent', sent_at = created_at + interval '42 seconds'
      where idempotency_key = 'k6'`;
    await sql`update notification_log set status = 'delivered', delivered_at = sent_at + interval '3 seconds'
      where idempotency_key = 'k6'`;
    // A bulk replay, a no-op update, a department move, deletes (retention).
    await sql`update notification_log set status = 'pending' where status = 'permanent_failure'`;
    await sql`update notification_log set attempts = attempts + 1 where status = 'pending'`;
    await sql`update notification_log set department_id = ${departments[0]!} where idempotency_key like 'k1%'`;
    await sql`delete from notification_log where idempotency_key like 'k2%'`;
    expect(await rollupMatchesLog()).toEqual({ diff: [], latencyDiff: [] });
  });

  it('rebuilds from the log in another zone, and the triggers then use that zone', async () => {
    const { sql } = database;
    await sql`select rebuild_notification_rollups('Pacific/Kiritimati')`;
    expect(await rollupMatchesLog()).toEqual({ diff: [], latencyDiff: [] });
    await sql`update notification_log set status = 'cancelled' where idempotency_key like 'k3%'`;
    expect(await rollupMatchesLog()).toEqual({ diff: [], latencyDiff: [] });
    await sql`select rebuild_notification_rollups('Africa/Libreville')`;
  });

  it('empties with a truncate of the log', async () => {
    const { sql } = database;
    await sql`truncate notification_log cascade`;
    const [{ n }] = (await sql`select count(*)::int n from notification_daily_rollup`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(0);
  });
});
