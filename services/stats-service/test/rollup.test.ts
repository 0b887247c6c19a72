import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '@rappel/db';
import { createTestDatabase, fixtures, type TestDatabase } from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldRollups } from '../src/stats/fold';

/**
 * The rollups are kept by triggers that append deltas, folded into the rollups by
 * fold_notification_rollups(): after any mix of inserts, updates and deletes, the `*_current`
 * views (rollups plus unfolded deltas) must equal a naive GROUP BY over notification_log, and
 * after a fold so must the rollup tables alone.
 */
let database: TestDatabase;
let departments: string[];
let f: ReturnType<typeof fixtures>;

beforeAll(async () => {
  database = await createTestDatabase();
  f = fixtures(database.db);
  departments = [(await f.department()).id, (await f.department()).id];
});
afterAll(async () => {
  await database?.drop();
});

/**
 * `current`: the views readers use (rollups + unfolded deltas); `rollup`: the rollup tables
 * alone. `grain`: the daily rollups, or the monthly ones against the log grouped by month.
 */
async function rollupMatchesLog(
  source: 'current' | 'rollup' = 'current',
  grain: 'day' | 'month' = 'day',
  logTable = 'notification_log',
) {
  const { sql } = database;
  const log = sql(logTable);
  const suffix = source === 'current' ? '_current' : '';
  const monthly = grain === 'month';
  const daily = sql(`notification_${monthly ? 'monthly' : 'daily'}_rollup${suffix}`);
  const latency = sql(`notification_latency${monthly ? '_monthly' : ''}_rollup${suffix}`);
  const effectiveness = sql(`reminder_effectiveness${monthly ? '_monthly' : ''}_rollup${suffix}`);
  const dayOf = (column: string) =>
    sql.unsafe(
      monthly
        ? `date_trunc('month', (${column} at time zone (select timezone from stats_settings))::date)::date`
        : `(${column} at time zone (select timezone from stats_settings))::date`,
    );
  const key = sql(monthly ? 'month' : 'day');
  const diff = await sql`
    with naive as (
      select ${dayOf('created_at')} as day, department_id,
        channel, kind, status, coalesce(error_code, '') as error_code, count(*)::bigint as count,
        count(sent_at)::bigint as sent_count,
        round(coalesce(sum(extract(epoch from sent_at - created_at)), 0)::numeric, 3) as sent_seconds,
        count(delivered_at)::bigint as delivered_count,
        round(coalesce(sum(extract(epoch from delivered_at - created_at)), 0)::numeric, 3) as delivered_seconds
      from ${log} group by 1, 2, 3, 4, 5, 6
    ), rolled as (
      select ${key} as day, department_id, channel, kind, status, error_code, sum(count)::bigint as count,
        sum(sent_count)::bigint as sent_count, round(sum(sent_seconds_sum)::numeric, 3) as sent_seconds,
        sum(delivered_count)::bigint as delivered_count,
        round(sum(delivered_seconds_sum)::numeric, 3) as delivered_seconds
      from ${daily}
      group by 1, 2, 3, 4, 5, 6
      having sum(count) <> 0 or sum(sent_count) <> 0 or sum(delivered_count) <> 0
    )
    (select 'missing' as side, * from naive except select 'missing', * from rolled)
    union all
    (select 'extra', * from rolled except select 'extra', * from naive)`;
  const latencyDiff = await sql`
    with naive as (
      select ${dayOf('created_at')} as day, department_id,
        channel, 'sent' as metric, latency_bucket(extract(epoch from sent_at - created_at)::float8) bucket,
        count(*)::bigint n
      from ${log} where sent_at is not null group by 1, 2, 3, 4, 5
      union all
      select ${dayOf('created_at')}, department_id, channel,
        'delivered', latency_bucket(extract(epoch from delivered_at - created_at)::float8), count(*)::bigint
      from ${log} where delivered_at is not null group by 1, 2, 3, 4, 5
    ), rolled as (
      select ${key} as day, department_id, channel, metric, bucket, sum(count)::bigint n from ${latency}
      group by 1, 2, 3, 4, 5 having sum(count) <> 0
    )
    (select * from naive except select * from rolled) union all (select * from rolled except select * from naive)`;
  const effectivenessDiff = await sql`
    with naive as (
      select ${dayOf('l.created_at')} as day, l.department_id,
        l.kind, l.channel, count(*)::bigint reminded,
        count(*) filter (where lo.returned_at <= lo.due_at)::bigint on_time,
        count(*) filter (where lo.returned_at > lo.due_at)::bigint late
      from ${log} l join loans lo on lo.id = l.loan_id
      where l.kind in ('reminder_d2', 'reminder_d1', 'reminder_due_day', 'reminder_2h')
        and l.status in ('sent', 'delivered', 'read') and lo.cancelled_at is null
      group by 1, 2, 3, 4
    ), rolled as (
      select ${key} as day, department_id, kind, channel, sum(reminded)::bigint reminded,
        sum(returned_on_time)::bigint returned_on_time, sum(returned_late)::bigint returned_late
      from ${effectiveness} group by 1, 2, 3, 4
      having sum(reminded) <> 0 or sum(returned_on_time) <> 0 or sum(returned_late) <> 0
    )
    (select * from naive except select * from rolled) union all (select * from rolled except select * from naive)`;
  return { diff: [...diff], latencyDiff: [...latencyDiff], effectivenessDiff: [...effectivenessDiff] };
}

const CLEAN = { diff: [], latencyDiff: [], effectivenessDiff: [] };

async function unfoldedDeltas(): Promise<number> {
  const [row] = (await database.sql`
    select (select count(*) from notification_daily_rollup_delta)
      + (select count(*) from notification_latency_rollup_delta)
      + (select count(*) from reminder_effectiveness_rollup_delta) as n`) as unknown as [{ n: string }];
  return Number(row.n);
}

/**
 * Exact by day and by month with the deltas unfolded (when `withDeltas`, there must be some),
 * then after a fold.
 */
async function expectExact({ withDeltas = true, log = 'notification_log' } = {}) {
  if (withDeltas) expect(await unfoldedDeltas()).toBeGreaterThan(0);
  for (const grain of ['day', 'month'] as const)
    expect(await rollupMatchesLog('current', grain, log)).toEqual(CLEAN);
  expect(await foldRollups(database.sql)).toBeGreaterThanOrEqual(0);
  expect(await unfoldedDeltas()).toBe(0);
  for (const grain of ['day', 'month'] as const) {
    expect(await rollupMatchesLog('rollup', grain, log)).toEqual(CLEAN);
    expect(await rollupMatchesLog('current', grain, log)).toEqual(CLEAN);
  }
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
        now() - (g % 20) * interval '7 hours' - (g % 13) * interval '29 days',
        case when g % 6 in (1, 2) then now() - (g % 20) * interval '7 hours' - (g % 13) * interval '29 days' + (g % 300) * interval '1 second' end,
        case when g % 6 = 2 then now() - (g % 20) * interval '7 hours' - (g % 13) * interval '29 days' + (g % 900) * interval '1 second' end
      from generate_series(1, 600) g`;
    // The triggers wrote deltas only: the rollups are still empty, the views already exact.
    const [{ n: rolled }] = (await sql`select count(*)::int n from notification_daily_rollup`) as unknown as [
      { n: number },
    ];
    expect(rolled).toBe(0);
    await expectExact();

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
    // Folded rollups plus new deltas on top of them.
    await expectExact();
  });

  it('follow bulk statements of over 10 000 rows too (the streaming path: seeding, purges)', async () => {
    const { sql } = database;
    await sql`
      insert into notification_log (idempotency_key, department_id, kind, channel, recipient_type, recipient_id,
        status, created_at, sent_at)
      select 'bulk' || g, (${sql.array(departments)}::uuid[])[1 + g % 2],
        (array['loan_created','reminder_d2'])[1 + g % 2], 'email', 'client', gen_random_uuid(),
        (array['sent','pending','skipped'])[1 + g % 3], now() - (g % 30) * interval '5 hours' - (g % 7) * interval '31 days',
        case when g % 3 = 0 then now() - (g % 30) * interval '5 hours' - (g % 7) * interval '31 days' + (g % 500) * interval '1 second' end
      from generate_series(1, 10500) g`;
    await expectExact();
    await sql`update notification_log set status = 'delivered',
      delivered_at = coalesce(sent_at, created_at) + interval '2 seconds' where idempotency_key like 'bulk%'`;
    await expectExact();
    await sql`delete from notification_log where idempotency_key like 'bulk%'`;
    await expectExact();
  });

  it('rebuilds from the log in another zone, and the triggers then use that zone', async () => {
    const { sql } = database;
    await sql`select rebuild_notification_rollups('Pacific/Kiritimati')`;
    expect(await unfoldedDeltas()).toBe(0);
    await expectExact({ withDeltas: false });
    await sql`update notification_log set status = 'cancelled' where idempotency_key like 'k3%'`;
    await expectExact();
    await sql`select rebuild_notification_rollups('Africa/Libreville')`;
  });

  it("follow loans' returns, due-date changes and cancellations for the reminders' effectiveness", async () => {
    const { sql } = database;
    const scene = await f.scene();
    const loanIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const item = await f.item(scene.department.id);
      const { loan } = await f.loanWithPlan({
        departmentId: scene.department.id,
        itemId: item.id,
        responsibleUserId: scene.staff.id,
        clientId: scene.client.id,
        startsAt: new Date(Date.now() - 5 * 86_400_000),
        dueAt: new Date(Date.now() - 86_400_000),
      });
      loanIds.push(loan.id);
    }
    await sql`
      insert into notification_log (idempotency_key, loan_id, department_id, kind, channel, recipient_type,
        recipient_id, status, created_at, sent_at)
      select 'e' || g || k, (${sql.array(loanIds)}::uuid[])[1 + g % 6], ${scene.department.id}, k,
        (array['email','whatsapp'])[1 + g % 2], 'client', ${scene.client.id},
        (array['sent','delivered','pending','read','permanent_failure'])[1 + g % 5],
        now() - interval '2 days', now() - interval '2 days' + interval '9 seconds'
      from generate_series(1, 30) g, unnest(array['reminder_d2','reminder_d1','reminder_2h','overdue']) k`;
    await expectExact();
    await sql`update loans set returned_at = due_at - interval '1 hour' where id = any(${sql.array(loanIds.slice(0, 2))}::uuid[])`;
    await sql`update loans set returned_at = due_at + interval '3 hours' where id = ${loanIds[2]!}`;
    await sql`update loans set cancelled_at = now() where id = ${loanIds[3]!}`;
    await expectExact();
    await sql`update loans set due_at = due_at + interval '1 day', version = version + 1 where id = ${loanIds[2]!}`;
    await sql`update loans set notes = 'no change that matters' where id = ${loanIds[4]!}`;
    await sql`update notification_log set status = 'sent' where status = 'pending' and loan_id is not null`;
    await sql`delete from notification_log where idempotency_key like 'e1%'`;
    await expectExact();
    const [{ onTime }] = (await sql`
      select sum(returned_on_time)::int as "onTime" from reminder_effectiveness_rollup`) as unknown as [
      { onTime: number },
    ];
    expect(onTime).toBeGreaterThan(0);
  });

  it('are filled by migration 0016 from the daily rollups of a site that had only those', async () => {
    const { sql } = database;
    // The state the migration met: folded daily rollups, unfolded deltas, no monthly rows.
    expect(await foldRollups(sql)).toBeGreaterThanOrEqual(0);
    await sql`update notification_log set status = 'read' where status = 'delivered' and idempotency_key like 'k%'`;
    expect(await unfoldedDeltas()).toBeGreaterThan(0);
    await sql`truncate notification_monthly_rollup, notification_latency_monthly_rollup,
      reminder_effectiveness_monthly_rollup`;
    // Its backfill, as written: the statements after the fold's lock, in one transaction.
    const statements = readFileSync(join(MIGRATIONS_FOLDER, '0016_monthly_rollups_fold.sql'), 'utf8')
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim());
    const backfill = statements.slice(
      statements.findIndex((st) => st.includes('SELECT pg_advisory_xact_lock')),
    );
    expect(backfill).toHaveLength(2);
    await sql.begin(async (tx) => {
      for (const statement of backfill) await tx.unsafe(statement);
    });
    await expectExact();
  });

  it("leaves an open transaction's deltas to a later fold, and a second fold waits for none", async () => {
    const { sql } = database;
    expect(await unfoldedDeltas()).toBe(0);
    let foldedMeanwhile = -2;
    await sql.begin(async (tx) => {
      await tx`
        insert into notification_log (idempotency_key, department_id, kind, channel, recipient_type,
          recipient_id, status, created_at)
        select 'u' || g, ${departments[1]!}, 'loan_created', 'email', 'client', gen_random_uuid(), 'pending', now()
        from generate_series(1, 5) g`;
      // Another connection folds while this transaction's deltas are not committed.
      foldedMeanwhile = await foldRollups(sql);
    });
    expect(foldedMeanwhile).toBe(0);
    await expectExact();
    // One fold at a time: a fold while another holds the lock returns -1 at once.
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('fold_notification_rollups'))`;
      expect(await foldRollups(sql)).toBe(-1);
    });
  });

  it("keep the retention purge's messages counted, through later changes and rebuilds", async () => {
    const { sql } = database;
    // What the figures must go on counting: the log as it was before the purge.
    await sql`create table log_before_purge as select * from notification_log`;
    const purge = () =>
      sql.begin(async (tx) => {
        await tx`select set_config('rappel.retention_purge', 'on', true)`;
        return tx`delete from notification_log
          where created_at < now() - interval '100 days' and status not in ('pending', 'failed')`;
      });
    expect((await purge()).count).toBeGreaterThan(100);
    // The trigger recorded how far the purge reached: its newest message's creation time.
    const [{ recorded, newest }] = (await sql`
      select (select history_purged_before from stats_settings) as recorded,
        (select max(b.created_at) from log_before_purge b
         where not exists (select 1 from notification_log l where l.id = b.id)) as newest`) as unknown as [
      { recorded: string; newest: string },
    ];
    expect(recorded).not.toBeNull();
    expect(recorded).toEqual(newest);
    await expectExact({ withDeltas: false, log: 'log_before_purge' });
    // Any other delete still takes its rows out.
    for (const table of ['notification_log', 'log_before_purge']) {
      await sql`delete from ${sql(table)} where idempotency_key like 'k3%' and created_at > now() - interval '100 days'`;
    }
    await expectExact({ log: 'log_before_purge' });

    // Messages left in the log move on; the snapshot moves with them.
    for (const table of ['notification_log', 'log_before_purge']) {
      await sql`update ${sql(table)} set status = 'sent', sent_at = created_at + interval '5 seconds'
        where status in ('pending', 'failed')`;
    }
    await expectExact({ log: 'log_before_purge' });

    // A rebuild keeps the purged days (the log can no longer recompute them) and recomputes the rest.
    await sql`update notification_daily_rollup set count = count + 1000
      where day > (now() at time zone 'Africa/Libreville')::date - 90`;
    await sql`select rebuild_notification_rollups('Africa/Libreville')`;
    await expectExact({ withDeltas: false, log: 'log_before_purge' });

    // Through a change of zone and back, every message is still counted once.
    const totals = (table: string) => sql`
      select status, count(*)::int as n from ${sql(table)} group by status order by status`;
    const rolled = () => sql`
      select status, sum(count)::int as n from notification_daily_rollup_current group by status
      having sum(count) <> 0 order by status`;
    const monthly = () => sql`
      select status, sum(count)::int as n from notification_monthly_rollup_current group by status
      having sum(count) <> 0 order by status`;
    for (const zone of ['Pacific/Kiritimati', 'Africa/Libreville']) {
      await sql`select rebuild_notification_rollups(${zone})`;
      expect([...(await rolled())]).toEqual([...(await totals('log_before_purge'))]);
      expect([...(await monthly())]).toEqual([...(await totals('log_before_purge'))]);
    }
    await sql`drop table log_before_purge`;
  });

  it('empties with a truncate of the log', async () => {
    const { sql } = database;
    await sql`update notification_log set attempts = attempts + 1 where idempotency_key like 'u%'`;
    await sql`update notification_log set status = 'sent', sent_at = now() where idempotency_key like 'u%'`;
    expect(await unfoldedDeltas()).toBeGreaterThan(0);
    await sql`truncate notification_log cascade`;
    const [{ n }] = (await sql`select count(*)::int n from notification_daily_rollup_current`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(0);
    expect(await unfoldedDeltas()).toBe(0);
    // Nothing purged is counted any more: a rebuild has no days to keep.
    const [{ purged }] =
      (await sql`select history_purged_before as purged from stats_settings`) as unknown as [
        { purged: string | null },
      ];
    expect(purged).toBeNull();
  });
});
