import { type ReadinessCheck, registerQueueGauges } from '@rappel/observability';
import type { Queue } from 'bullmq';
import type postgres from 'postgres';
import { Gauge, type Registry } from 'prom-client';

/**
 * stats-service's metrics: message counts of all time, read from the monthly rollup at scrape
 * time (a dozen rows a year per key; a gauge, because a message moves between statuses; the
 * `_total` name is the shared contract) and the queue gauges, left out while `pingRedis` fails.
 */
export function registerStatsMetrics(
  registry: Registry,
  sql: postgres.Sql,
  queues: Queue[],
  pingRedis: ReadinessCheck,
): void {
  new Gauge({
    name: 'rappel_notifications_total',
    help: 'Messages in notification_log by channel, kind and current status (from the rollup).',
    labelNames: ['channel', 'kind', 'status'],
    registers: [registry],
    async collect() {
      const rows = await sql<{ channel: string; kind: string; status: string; n: string }[]>`
        select channel, kind, status, sum(count)::bigint n from notification_monthly_rollup_current
        group by channel, kind, status`;
      this.reset();
      for (const r of rows) this.set({ channel: r.channel, kind: r.kind, status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'rappel_notification_delay_seconds',
    help: 'Mean delay from creation to sent and to delivered of the messages created yesterday and today (local days of the rollups), so at least the last 24 hours.',
    labelNames: ['metric'],
    registers: [registry],
    async collect() {
      const [row] = await sql<{ ss: number | null; sc: string; ds: number | null; dc: string }[]>`
        select sum(sent_seconds_sum)::float8 ss, sum(sent_count)::bigint sc,
          sum(delivered_seconds_sum)::float8 ds, sum(delivered_count)::bigint dc
        from notification_daily_rollup_current
        where day >= (now() at time zone coalesce((select timezone from stats_settings where id = 1), 'UTC'))::date - 1`;
      const mean = (sum: number | null, n: string) => (Number(n) > 0 && sum !== null ? sum / Number(n) : 0);
      this.set({ metric: 'sent' }, mean(row?.ss ?? null, row?.sc ?? '0'));
      this.set({ metric: 'delivered' }, mean(row?.ds ?? null, row?.dc ?? '0'));
    },
  });
  registerQueueGauges(registry, queues, { redisCheck: pingRedis });
}
