import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from '@rappel/contracts';
import { createTestDatabase, fixtures, type TestDatabase } from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../src/scope';
import { foldRollups } from '../src/stats/fold';
import { histogramPercentile } from '../src/stats/percentile';
import { type DayRange, eachDay, splitByMonth } from '../src/stats/range';
import { createStatsReader, FAILURE_STATUSES, type Stats, SUCCESS_STATUSES } from '../src/stats/read-stats';

/**
 * /v1/stats reads whole months from the monthly rollups and the rest day by day. Whatever the
 * range's ends and whether the fold has run, every figure must be what the log itself says:
 * the expected figures are computed here in plain TypeScript from the log's rows.
 */
let database: TestDatabase;
let departments: { id: string; name: string }[];

interface LogFact {
  day: string;
  department_id: string;
  channel: 'email' | 'whatsapp';
  kind: string;
  status: (typeof NOTIFICATION_STATUSES)[number];
  error_code: string;
  sent_s: number | null;
  sent_bucket: number | null;
  delivered_s: number | null;
  delivered_bucket: number | null;
  has_loan: boolean;
  returned: 'on_time' | 'late' | null;
  cancelled: boolean;
}

/** 4 000 messages over the 420 days up to `now`, two departments, every kind, channel and status; reminders of loans returned on time, late, or cancelled. */
async function seed(tag: string, loanIds: string[], count: number) {
  const { sql } = database;
  await sql`
    insert into notification_log (idempotency_key, loan_id, department_id, kind, channel, recipient_type,
      recipient_id, status, error_code, created_at, sent_at, delivered_at)
    select ${tag} || g, case when g % 4 <> 0 then (${sql.array(loanIds)}::uuid[])[1 + g % ${loanIds.length}] end,
      (${sql.array(departments.map((d) => d.id))}::uuid[])[1 + g % 2],
      (array['loan_created','reminder_d2','reminder_d1','reminder_due_day','reminder_2h','overdue','loan_returned'])[1 + g % 7],
      (array['email','whatsapp'])[1 + (g / 3) % 2],
      'client', gen_random_uuid(),
      (array['pending','sent','delivered','read','failed','permanent_failure','undelivered','skipped','cancelled'])[1 + g % 9],
      case when g % 9 in (4, 5, 6) then (array['550','21211','ETIMEDOUT','30003'])[1 + g % 4] end,
      now() - (g * 9973 % 420) * interval '1 day' - (g % 24) * interval '1 hour',
      case when g % 9 in (1, 2, 3, 6) then now() - (g * 9973 % 420) * interval '1 day' - (g % 24) * interval '1 hour'
        + (g % 400) * interval '1.7 second' end,
      case when g % 9 in (2, 3) then now() - (g * 9973 % 420) * interval '1 day' - (g % 24) * interval '1 hour'
        + (g % 900) * interval '2.3 second' end
    from generate_series(1, ${count}) g`;
}

async function logFacts(): Promise<LogFact[]> {
  return (await database.sql`
    select (l.created_at at time zone (select timezone from stats_settings))::date::text as day,
      l.department_id::text, l.channel, l.kind, l.status, coalesce(l.error_code, '') as error_code,
      extract(epoch from l.sent_at - l.created_at)::float8 as sent_s,
      latency_bucket(extract(epoch from l.sent_at - l.created_at)::float8) as sent_bucket,
      extract(epoch from l.delivered_at - l.created_at)::float8 as delivered_s,
      latency_bucket(extract(epoch from l.delivered_at - l.created_at)::float8) as delivered_bucket,
      l.loan_id is not null as has_loan,
      case when lo.returned_at <= lo.due_at then 'on_time' when lo.returned_at > lo.due_at then 'late' end as returned,
      coalesce(lo.cancelled_at is not null, false) as cancelled
    from notification_log l left join loans lo on lo.id = l.loan_id`) as unknown as LogFact[];
}

const count = <T>(items: T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};
const ratio = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);
const isSuccess = (s: string) => (SUCCESS_STATUSES as readonly string[]).includes(s);
const isFinished = (s: string) => isSuccess(s) || (FAILURE_STATUSES as readonly string[]).includes(s);

/** The figures /v1/stats must give, from the log's rows alone. */
function expected(facts: LogFact[], scope: Scope, range: DayRange) {
  const rows = facts.filter(
    (r) => r.day >= range.from && r.day <= range.to && (scope.all || r.department_id === scope.departmentId),
  );
  const byStatus = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0]));
  for (const [s, n] of count(rows, (r) => r.status)) byStatus[s] = n;
  const byChannel = Object.fromEntries(
    (['email', 'whatsapp'] as const).map((c) => {
      const of = rows.filter((r) => r.channel === c);
      const succeeded = of.filter((r) => isSuccess(r.status)).length;
      const finished = of.filter((r) => isFinished(r.status)).length;
      return [c, { total: of.length, succeeded, finished, successRate: ratio(succeeded, finished) }];
    }),
  );
  const succeeded = rows.filter((r) => isSuccess(r.status)).length;
  const finished = rows.filter((r) => isFinished(r.status)).length;
  const latency = (metric: 'sent' | 'delivered') => {
    const timed = rows.filter((r) => r[`${metric}_s`] !== null);
    const histogram = new Map<number, number>();
    for (const [b, n] of count(timed, (r) => String(r[`${metric}_bucket`]))) histogram.set(Number(b), n);
    const seconds = timed.reduce((a, r) => a + r[`${metric}_s`]!, 0);
    return {
      count: timed.length,
      meanSeconds: timed.length ? Math.round((seconds / timed.length) * 10) / 10 : null,
      p50Seconds: histogramPercentile(histogram, 0.5),
      p95Seconds: histogramPercentile(histogram, 0.95),
    };
  };
  const failures = count(
    rows.filter((r) => r.error_code && ['failed', 'permanent_failure', 'undelivered'].includes(r.status)),
    (r) => r.error_code,
  );
  const reminders = rows.filter(
    (r) => r.kind.startsWith('reminder_') && isSuccess(r.status) && !r.cancelled && r.has_loan,
  );
  const effectiveness = [...count(reminders, (r) => `${r.kind} ${r.channel}`)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, reminded]) => {
      const [kind, channel] = key.split(' ');
      const of = reminders.filter((r) => r.kind === kind && r.channel === channel);
      const onTime = of.filter((r) => r.returned === 'on_time').length;
      const late = of.filter((r) => r.returned === 'late').length;
      return {
        kind,
        channel,
        reminded,
        returnedOnTime: onTime,
        returnedLate: late,
        rate: ratio(onTime, onTime + late),
      };
    });
  return {
    range,
    departmentId: scope.all ? null : scope.departmentId,
    totals: {
      total: rows.length,
      finished,
      succeeded,
      successRate: ratio(succeeded, finished),
      failuresToLookAt: rows.filter((r) => (FAILURE_STATUSES as readonly string[]).includes(r.status)).length,
    },
    byStatus,
    byChannel,
    byKind: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, rows.filter((r) => r.kind === k).length])),
    byDepartment: [...count(rows, (r) => r.department_id)]
      .map(([departmentId, total]) => ({
        departmentId,
        name: departments.find((d) => d.id === departmentId)!.name,
        total,
      }))
      .sort(
        (a, b) =>
          b.total - a.total || a.name.localeCompare(b.name) || a.departmentId.localeCompare(b.departmentId),
      ),
    daily: eachDay(range).map((day) => {
      const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0]));
      for (const [s, n] of count(
        rows.filter((r) => r.day === day),
        (r) => r.status,
      ))
        counts[s] = n;
      return { day, total: Object.values(counts).reduce((a, b) => a + b, 0), byStatus: counts };
    }),
    latency: { sent: latency('sent'), delivered: latency('delivered') },
    topFailures: [...failures]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([code, n]) => ({ code, count: n, meaning: expect.any(String) })),
    effectiveness,
  };
}

const localToday = async () =>
  (
    (await database.sql`select (now() at time zone (select timezone from stats_settings))::date::text as d`) as unknown as [
      { d: string },
    ]
  )[0].d;
const shift = (day: string, days: number) =>
  new Date(Date.parse(day) + days * 86_400_000).toISOString().slice(0, 10);

/** The first day of the month `back` months before `today`'s, and that month's last day. */
const monthStart = (today: string, back: number) => {
  const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - back, 1));
  return d.toISOString().slice(0, 10);
};
const monthEnd = (today: string, back: number) => shift(monthStart(today, back - 1), -1);

/** Ranges of every shape, all within the seeded 420 days: inside a month, across partial months, whole months only, a year. */
function rangesAround(today: string): DayRange[] {
  return [
    { from: shift(today, -29), to: today },
    { from: shift(today, -364), to: today },
    { from: shift(today, -399), to: shift(today, -1) },
    { from: monthStart(today, 12), to: monthEnd(today, 1) },
    { from: monthStart(today, 5), to: monthEnd(today, 5) },
    { from: monthStart(today, 9), to: shift(monthStart(today, 4), 16) },
    { from: shift(monthStart(today, 8), 12), to: monthEnd(today, 3) },
    { from: monthEnd(today, 7), to: monthStart(today, 6) },
  ];
}

beforeAll(async () => {
  database = await createTestDatabase();
  const f = fixtures(database.db);
  departments = [await f.department(), await f.department()];
  const scene = await f.scene();
  const loanIds: string[] = [];
  for (const [i, returned] of ['on_time', 'late', 'out', 'cancelled', 'on_time'].entries()) {
    const item = await f.item(scene.department.id);
    const dueAt = new Date(Date.now() - (i + 1) * 86_400_000);
    const { loan } = await f.loanWithPlan({
      departmentId: scene.department.id,
      itemId: item.id,
      responsibleUserId: scene.staff.id,
      clientId: scene.client.id,
      startsAt: new Date(dueAt.getTime() - 3 * 86_400_000),
      dueAt,
    });
    loanIds.push(loan.id);
    if (returned === 'on_time')
      await database.sql`update loans set returned_at = due_at - interval '1 hour' where id = ${loan.id}`;
    if (returned === 'late')
      await database.sql`update loans set returned_at = due_at + interval '5 hours' where id = ${loan.id}`;
    if (returned === 'cancelled')
      await database.sql`update loans set cancelled_at = now() where id = ${loan.id}`;
  }
  await seed('a', loanIds, 4_000);
  await foldRollups(database.sql);
  // Unfolded deltas on top of folded months: new rows, replays, and messages moving on.
  await seed('b', loanIds, 600);
  await database.sql`update notification_log set status = 'pending' where status = 'permanent_failure' and idempotency_key like 'a1%'`;
  await database.sql`update notification_log set status = 'delivered', delivered_at = sent_at + interval '4 seconds'
    where status = 'sent' and idempotency_key like 'a2%'`;
});
afterAll(async () => {
  await database?.drop();
});

describe('the stats reader over daily and monthly rollups', () => {
  it('gives what the log says for every range shape and scope, before and after a fold', async () => {
    const reader = createStatsReader(database.sql);
    const today = await localToday();
    const ranges = rangesAround(today);
    // The ranges do exercise both sources: whole months with ends, whole months alone, days alone.
    expect(ranges.map((r) => splitByMonth(r)).some((s) => s.months && s.days.length === 2)).toBe(true);
    expect(ranges.map((r) => splitByMonth(r)).some((s) => s.months && s.days.length === 0)).toBe(true);
    expect(ranges.map((r) => splitByMonth(r)).some((s) => !s.months)).toBe(true);
    const scopes: Scope[] = [{ all: true }, { all: false, departmentId: departments[1]!.id }];
    for (const folded of [false, true]) {
      if (folded) expect(await foldRollups(database.sql)).toBeGreaterThan(0);
      const facts = await logFacts();
      for (const range of ranges) {
        for (const scope of scopes) {
          const stats: Stats = await reader.read(scope, range, 'fr');
          const want = expected(facts, scope, range);
          expect(stats.totals.total, `${range.from}..${range.to}`).toBeGreaterThan(0);
          const { latency, ...rest } = stats;
          const { latency: wantLatency, ...wantRest } = want;
          expect(rest, `${range.from}..${range.to} ${JSON.stringify(scope)} folded=${folded}`).toEqual(
            wantRest,
          );
          for (const metric of ['sent', 'delivered'] as const) {
            const { meanSeconds, ...figures } = latency[metric];
            const { meanSeconds: wantMean, ...wantFigures } = wantLatency[metric];
            expect(figures).toEqual(wantFigures);
            // Sums of float seconds added in another order: equal to the rounding.
            if (wantMean === null) expect(meanSeconds).toBeNull();
            else expect(Math.abs(meanSeconds! - wantMean)).toBeLessThanOrEqual(0.1);
          }
        }
      }
    }
  });
});
