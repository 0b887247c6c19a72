import { date, pgTable } from 'drizzle-orm/pg-core';
import { effectivenessCountColumns, latencyCountColumns, notificationCountColumns } from './stats';

/**
 * Append-only deltas of the stats rollups (schema/stats.ts). The triggers on notification_log
 * and loans insert here (no key, no conflict, no lock on a shared row), and
 * `fold_notification_rollups()` moves them into the rollups in one short statement per table.
 * A rollup's figure is always its row plus the deltas not yet folded: read the
 * `*_current` views (migration `rollup_deltas`), which are exact whether or not the fold ran.
 */
export const notificationDailyRollupDelta = pgTable('notification_daily_rollup_delta', {
  day: date('day').notNull(),
  ...notificationCountColumns(),
});

export const notificationLatencyRollupDelta = pgTable('notification_latency_rollup_delta', {
  day: date('day').notNull(),
  ...latencyCountColumns(),
});

export const reminderEffectivenessRollupDelta = pgTable('reminder_effectiveness_rollup_delta', {
  day: date('day').notNull(),
  ...effectivenessCountColumns(),
});
