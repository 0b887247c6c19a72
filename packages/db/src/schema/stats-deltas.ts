import { CHANNELS, NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from '@rappel/contracts';
import { bigint, date, doublePrecision, pgTable, smallint, text, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only deltas of the stats rollups (schema/stats.ts). The triggers on notification_log
 * and loans insert here (no key, no conflict, no lock on a shared row), and
 * `fold_notification_rollups()` moves them into the rollups in one short statement per table.
 * A rollup's figure is always its row plus the deltas not yet folded: read the
 * `*_current` views (migration `rollup_deltas`), which are exact whether or not the fold ran.
 */
export const notificationDailyRollupDelta = pgTable('notification_daily_rollup_delta', {
  day: date('day').notNull(),
  departmentId: uuid('department_id').notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
  status: text('status', { enum: NOTIFICATION_STATUSES }).notNull(),
  errorCode: text('error_code').notNull().default(''),
  count: bigint('count', { mode: 'number' }).notNull().default(0),
  sentCount: bigint('sent_count', { mode: 'number' }).notNull().default(0),
  sentSecondsSum: doublePrecision('sent_seconds_sum').notNull().default(0),
  deliveredCount: bigint('delivered_count', { mode: 'number' }).notNull().default(0),
  deliveredSecondsSum: doublePrecision('delivered_seconds_sum').notNull().default(0),
});

export const notificationLatencyRollupDelta = pgTable('notification_latency_rollup_delta', {
  day: date('day').notNull(),
  departmentId: uuid('department_id').notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  metric: text('metric', { enum: ['sent', 'delivered'] }).notNull(),
  bucket: smallint('bucket').notNull(),
  count: bigint('count', { mode: 'number' }).notNull().default(0),
});

export const reminderEffectivenessRollupDelta = pgTable('reminder_effectiveness_rollup_delta', {
  day: date('day').notNull(),
  departmentId: uuid('department_id').notNull(),
  kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  reminded: bigint('reminded', { mode: 'number' }).notNull().default(0),
  returnedOnTime: bigint('returned_on_time', { mode: 'number' }).notNull().default(0),
  returnedLate: bigint('returned_late', { mode: 'number' }).notNull().default(0),
});
