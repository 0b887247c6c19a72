import {
  CHANNELS,
  type Channel,
  type Language,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  type NotificationKind,
  type NotificationStatus,
} from '@rappel/contracts';
import type postgres from 'postgres';
import type { Scope } from '../scope';
import { failureMeaning } from './failure-codes';
import { histogramPercentile } from './percentile';
import { type DayRange, eachDay, type MonthSplit, splitByMonth } from './range';

/** A message that reached its recipient's provider. */
export const SUCCESS_STATUSES = ['sent', 'delivered', 'read'] as const satisfies NotificationStatus[];
/** Finished and failed for good: what a person should look at (and may replay). */
export const FAILURE_STATUSES = ['permanent_failure', 'undelivered'] as const satisfies NotificationStatus[];
/** Statuses a replay accepts: failed for good, or failed and waiting for its next attempt. */
export const REPLAYABLE_STATUSES = ['failed', ...FAILURE_STATUSES] as const satisfies NotificationStatus[];

type Counts<K extends string> = Record<K, number>;
const zeroes = <K extends string>(keys: readonly K[]): Counts<K> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;

export interface LatencySummary {
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

export interface Stats {
  range: DayRange;
  departmentId: string | null;
  totals: {
    total: number;
    finished: number;
    succeeded: number;
    /** succeeded / finished (skipped, cancelled and not yet finished rows excluded); null with none. */
    successRate: number | null;
    failuresToLookAt: number;
  };
  byStatus: Counts<NotificationStatus>;
  byChannel: Record<
    Channel,
    { total: number; succeeded: number; finished: number; successRate: number | null }
  >;
  byKind: Counts<NotificationKind>;
  byDepartment: { departmentId: string; name: string; total: number }[];
  daily: { day: string; total: number; byStatus: Counts<NotificationStatus> }[];
  latency: { sent: LatencySummary; delivered: LatencySummary };
  topFailures: { code: string; count: number; meaning: string }[];
  /** Per reminder kind and channel: reminders that went out, and their loans returned on time or late. */
  effectiveness: {
    kind: NotificationKind;
    channel: Channel;
    reminded: number;
    returnedOnTime: number;
    returnedLate: number;
    /** returnedOnTime / (returnedOnTime + returnedLate); null before any return. */
    rate: number | null;
  }[];
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);
const isSuccess = (s: string) => (SUCCESS_STATUSES as readonly string[]).includes(s);
const isFinished = (s: string) => isSuccess(s) || (FAILURE_STATUSES as readonly string[]).includes(s);

interface RollupRow {
  g_status: number;
  g_channel: number;
  g_kind: number;
  g_department: number;
  g_day: number;
  g_error: number;
  status: NotificationStatus | null;
  channel: Channel | null;
  kind: NotificationKind | null;
  department_id: string | null;
  day: string | null;
  error_code: string | null;
  n: string;
  sc: string;
  ss: number;
  dc: string;
  ds: number;
}

/** A rollup as its two views: by day and by month, each with the deltas not yet folded. */
interface RollupViews {
  daily: string;
  monthly: string;
}
const NOTIFICATIONS: RollupViews = {
  daily: 'notification_daily_rollup_current',
  monthly: 'notification_monthly_rollup_current',
};
const LATENCY: RollupViews = {
  daily: 'notification_latency_rollup_current',
  monthly: 'notification_latency_monthly_rollup_current',
};
const EFFECTIVENESS: RollupViews = {
  daily: 'reminder_effectiveness_rollup_current',
  monthly: 'reminder_effectiveness_monthly_rollup_current',
};

/**
 * Reads /v1/stats from the rollups only (the daily and monthly rollups, the latency histogram,
 * the effectiveness rollup): its cost depends on days × departments × kinds, not on the number
 * of messages. A range's whole months are read from the monthly rollups and only its partial
 * months day by day (`splitByMonth`), so a year costs about two months of daily rows; only the
 * per-day series of the whole months reads their days, grouped by status. A range without a
 * whole month (the default 30 days) is one pass over its daily rows. Each goes through its
 * `*_current` view (rollup rows plus the deltas the fold has not moved yet), so figures are
 * exact whether or not the fold has run, and the figures and the series come from one
 * statement (one snapshot).
 */
export function createStatsReader(sql: postgres.Sql) {
  const scopeClause = (scope: Scope) => (scope.all ? sql`` : sql`and department_id = ${scope.departmentId}`);

  /**
   * `columns` of a rollup's rows over a range cut by `splitByMonth`: the monthly view for its
   * whole months, the daily one for the rest. With `day`, the rows carry their day too (null on
   * monthly rows).
   */
  function rollupRows(
    views: RollupViews,
    columns: string[],
    scope: Scope,
    { months, days }: MonthSplit,
    { day = false } = {},
  ) {
    const inDays = days.reduce(
      (condition, piece) => sql`${condition} or day between ${piece.from}::date and ${piece.to}::date`,
      sql`false`,
    );
    const daily = sql`select ${sql(columns)} ${day ? sql`, day` : sql``} from ${sql(views.daily)}
      where (${inDays}) ${scopeClause(scope)}`;
    if (!months) return daily;
    return sql`${daily} union all select ${sql(columns)} ${day ? sql`, null::date as day` : sql``}
      from ${sql(views.monthly)} where month between ${months.from}::date and ${months.to}::date ${scopeClause(scope)}`;
  }

  /**
   * The per-day series of a range's whole months (their figures come from the monthly rows), as
   * rows of the (day, status) grouping set; the other days' come with the grouping sets.
   */
  function seriesOfWholeMonths(scope: Scope, { months }: MonthSplit) {
    if (!months) return sql``;
    return sql`union all
      select 0, 1, 1, 1, 0, 1, status, null, null, null, to_char(day, 'YYYY-MM-DD'), null,
        sum(count)::bigint, 0, 0, 0, 0
      from notification_daily_rollup_current
      where day between ${months.from}::date and ${months.to}::date ${scopeClause(scope)}
      group by day, status`;
  }

  async function read(scope: Scope, range: DayRange, lang: Language): Promise<Stats> {
    const split = splitByMonth(range);
    const [rollup, latency, effectiveness, departments] = await Promise.all([
      sql<RollupRow[]>`
        select grouping(status) g_status, grouping(channel) g_channel, grouping(kind) g_kind,
          grouping(department_id) g_department, grouping(day) g_day, grouping(error_code) g_error,
          status, channel, kind, department_id, to_char(day, 'YYYY-MM-DD') as day, error_code,
          sum(count)::bigint n, sum(sent_count)::bigint sc, sum(sent_seconds_sum)::float8 ss,
          sum(delivered_count)::bigint dc, sum(delivered_seconds_sum)::float8 ds
        from (${rollupRows(
          NOTIFICATIONS,
          [
            'status',
            'channel',
            'kind',
            'department_id',
            'error_code',
            'count',
            'sent_count',
            'sent_seconds_sum',
            'delivered_count',
            'delivered_seconds_sum',
          ],
          scope,
          split,
          { day: true },
        )}) r
        group by grouping sets ((status), (channel, status), (kind), (department_id), (day, status),
          (error_code, status), ())
        ${seriesOfWholeMonths(scope, split)}
      `,
      sql<{ metric: 'sent' | 'delivered'; bucket: number; n: string }[]>`
        select metric, bucket, sum(count)::bigint n
        from (${rollupRows(LATENCY, ['metric', 'bucket', 'count'], scope, split)}) r
        group by metric, bucket
      `,
      readEffectiveness(scope, split),
      // The departments in scope, with the figures rather than after them: a few rows, one
      // round trip fewer on the page's path.
      sql<{ id: string; name: string }[]>`
        select id, name from departments where true ${scope.all ? sql`` : sql`and id = ${scope.departmentId}`}`,
    ]);
    const byStatus = zeroes(NOTIFICATION_STATUSES);
    const byKind = zeroes(NOTIFICATION_KINDS);
    const byChannel = Object.fromEntries(
      CHANNELS.map((c) => [c, { total: 0, succeeded: 0, finished: 0, successRate: null as number | null }]),
    ) as Stats['byChannel'];
    const departmentTotals = new Map<string, number>();
    const daily = new Map(eachDay(range).map((day) => [day, zeroes(NOTIFICATION_STATUSES)]));
    const failures = new Map<string, number>();

    const grand = rollup.find(
      (r) => r.g_status + r.g_channel + r.g_kind + r.g_department + r.g_day + r.g_error === 6,
    );
    for (const row of rollup) {
      if (row === grand) continue;
      const n = Number(row.n);
      // Rollup rows whose messages all moved on stay at zero; they are not figures.
      if (n === 0) continue;
      if (
        row.g_status === 0 &&
        row.g_channel === 1 &&
        row.g_kind === 1 &&
        row.g_day === 1 &&
        row.g_error === 1
      )
        byStatus[row.status!] += n;
      else if (row.g_channel === 0) {
        const c = byChannel[row.channel!];
        c.total += n;
        if (isSuccess(row.status!)) c.succeeded += n;
        if (isFinished(row.status!)) c.finished += n;
      } else if (row.g_kind === 0) byKind[row.kind!] += n;
      else if (row.g_department === 0) departmentTotals.set(row.department_id!, n);
      else if (row.g_day === 0) {
        // Monthly rows have no day: their (null, status) groups are not part of the series.
        const day = row.day === null ? undefined : daily.get(row.day);
        if (day) day[row.status!] += n;
      } else if (row.g_error === 0 && row.error_code && isFailureForCodes(row.status!)) {
        failures.set(row.error_code, (failures.get(row.error_code) ?? 0) + n);
      }
    }
    for (const c of Object.values(byChannel)) c.successRate = rate(c.succeeded, c.finished);

    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const succeeded = SUCCESS_STATUSES.reduce((a, s) => a + byStatus[s], 0);
    const finished = succeeded + FAILURE_STATUSES.reduce((a, s) => a + byStatus[s], 0);

    const nameOf = new Map(departments.map((d) => [d.id, d.name]));

    const histograms = { sent: new Map<number, number>(), delivered: new Map<number, number>() };
    for (const row of latency) histograms[row.metric].set(row.bucket, Number(row.n));
    const summary = (metric: 'sent' | 'delivered', count: number, seconds: number): LatencySummary => ({
      count,
      meanSeconds: count ? Math.round((seconds / count) * 10) / 10 : null,
      p50Seconds: histogramPercentile(histograms[metric], 0.5),
      p95Seconds: histogramPercentile(histograms[metric], 0.95),
    });

    return {
      range,
      departmentId: scope.all ? null : scope.departmentId,
      totals: {
        total,
        finished,
        succeeded,
        successRate: rate(succeeded, finished),
        failuresToLookAt: FAILURE_STATUSES.reduce((a, st) => a + byStatus[st], 0),
      },
      byStatus,
      byChannel,
      byKind,
      byDepartment: [...departmentTotals]
        .map(([departmentId, n]) => ({ departmentId, name: nameOf.get(departmentId) ?? '', total: n }))
        .sort(
          (a, b) =>
            b.total - a.total || a.name.localeCompare(b.name) || a.departmentId.localeCompare(b.departmentId),
        ),
      daily: [...daily].map(([day, counts]) => ({
        day,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
        byStatus: counts,
      })),
      latency: {
        sent: summary('sent', Number(grand?.sc ?? 0), grand?.ss ?? 0),
        delivered: summary('delivered', Number(grand?.dc ?? 0), grand?.ds ?? 0),
      },
      topFailures: [...failures]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 10)
        .map(([code, count]) => ({ code, count, meaning: failureMeaning(code, lang) })),
      effectiveness,
    };
  }

  /**
   * Reminders that went out in the range (`split`, by the day they were made) and what became
   * of their loans, from the effectiveness rollups. The rate is on time over returned: a loan still
   * out is counted as reminded but not yet judged.
   */
  async function readEffectiveness(scope: Scope, split: MonthSplit): Promise<Stats['effectiveness']> {
    const rows = await sql<
      { kind: NotificationKind; channel: Channel; reminded: string; on_time: string; late: string }[]
    >`
      select kind, channel, sum(reminded)::bigint reminded, sum(returned_on_time)::bigint on_time,
        sum(returned_late)::bigint late
      from (${rollupRows(
        EFFECTIVENESS,
        ['kind', 'channel', 'reminded', 'returned_on_time', 'returned_late'],
        scope,
        split,
      )}) r
      group by kind, channel
      having sum(reminded) > 0
      order by kind, channel`;
    return rows.map((r) => ({
      kind: r.kind,
      channel: r.channel,
      reminded: Number(r.reminded),
      returnedOnTime: Number(r.on_time),
      returnedLate: Number(r.late),
      rate: rate(Number(r.on_time), Number(r.on_time) + Number(r.late)),
    }));
  }

  return { read };
}

/** Error codes are counted on rows that failed (for good or for now). */
const isFailureForCodes = (s: NotificationStatus) =>
  s === 'failed' || s === 'permanent_failure' || s === 'undelivered';

export type StatsReader = ReturnType<typeof createStatsReader>;
