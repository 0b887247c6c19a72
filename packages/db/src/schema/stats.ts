import { CHANNELS, NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from '@rappel/contracts';
import {
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * The columns of each rollup after its day (or month): the same in the rollup by day, its
 * deltas (schema/stats-deltas.ts) and the rollup by month. Functions, so each table gets
 * columns of its own.
 */

/** Messages by department, channel, kind, status and error code, with their delays. */
export const notificationCountColumns = () => ({
  departmentId: uuid('department_id').notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
  status: text('status', { enum: NOTIFICATION_STATUSES }).notNull(),
  /** The provider's error code, '' when none, so failure codes are counted from here too. */
  errorCode: text('error_code').notNull().default(''),
  count: bigint('count', { mode: 'number' }).notNull().default(0),
  /** Rows with a sent time, and the sum of their created→sent delays in seconds. */
  sentCount: bigint('sent_count', { mode: 'number' }).notNull().default(0),
  sentSecondsSum: doublePrecision('sent_seconds_sum').notNull().default(0),
  /** Rows with a delivered time, and the sum of their created→delivered delays in seconds. */
  deliveredCount: bigint('delivered_count', { mode: 'number' }).notNull().default(0),
  deliveredSecondsSum: doublePrecision('delivered_seconds_sum').notNull().default(0),
});

/** A delay histogram's counts by department, channel, metric and bucket. */
export const latencyCountColumns = () => ({
  departmentId: uuid('department_id').notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  metric: text('metric', { enum: ['sent', 'delivered'] }).notNull(),
  bucket: smallint('bucket').notNull(),
  count: bigint('count', { mode: 'number' }).notNull().default(0),
});

/** Reminders that went out by department, kind and channel, and their loans' returns. */
export const effectivenessCountColumns = () => ({
  departmentId: uuid('department_id').notNull(),
  kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  reminded: bigint('reminded', { mode: 'number' }).notNull().default(0),
  returnedOnTime: bigint('returned_on_time', { mode: 'number' }).notNull().default(0),
  returnedLate: bigint('returned_late', { mode: 'number' }).notNull().default(0),
});

/**
 * Read model of stats-service, kept current by statement-level triggers on notification_log
 * (migration `stats_rollup`): no writer has to remember it. `day` is the row's creation date
 * in the zone held by `stats_settings` (APP_TIMEZONE); `rebuild_notification_rollups()`
 * recomputes both tables from the log after a zone change. Since migration `rollup_deltas` the
 * triggers append to the `*_delta` tables (schema/stats-deltas.ts) and
 * `fold_notification_rollups()` moves those here; read the `*_current` views.
 */
export const notificationDailyRollup = pgTable(
  'notification_daily_rollup',
  {
    day: date('day').notNull(),
    ...notificationCountColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.departmentId, t.channel, t.kind, t.status, t.errorCode] }),
    index('notification_daily_rollup_department_day_idx').on(t.departmentId, t.day),
  ],
);

/**
 * Histogram of delays, one row per (day, department, channel, metric, bucket); no kind, which
 * would multiply its size for a figure nobody reads per kind. `metric` is `sent`
 * (created→sent) or `delivered` (created→delivered). Bucket b holds delays in
 * (1.25^(b-1), 1.25^b] seconds, bucket 0 holds ≤ 1 s (`latency_bucket()` in SQL), so a
 * percentile read from it is within 25 %.
 */
export const notificationLatencyRollup = pgTable(
  'notification_latency_rollup',
  {
    day: date('day').notNull(),
    ...latencyCountColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.departmentId, t.channel, t.metric, t.bucket] }),
    index('notification_latency_rollup_department_day_idx').on(t.departmentId, t.day),
  ],
);

/** One row (id = 1): the zone the rollups' `day` is computed in, and how far the log was purged. */
export const statsSettings = pgTable('stats_settings', {
  id: integer('id').primaryKey().default(1),
  timezone: text('timezone').notNull().default('Africa/Libreville'),
  /**
   * How far the retention purge reached: the newest purged message's creation time, set by
   * the rollup trigger. Messages created up to it may be gone from the log but not from the
   * rollups (a purge keeps the figures, migration `retention_keeps_figures`), so
   * `rebuild_notification_rollups()` keeps the days up to it rather than recompute them from
   * what is left. Null until the first purge.
   */
  historyPurgedBefore: timestamp('history_purged_before', { withTimezone: true }),
});

/**
 * Reminders' effectiveness: per reminder day, department, kind and channel, the reminder rows
 * that went out (sent, delivered or read) for a loan that was not cancelled, and of those how
 * many loans came back by their due time or after it. Kept by the log triggers and by a
 * trigger on loans (return, due date, cancellation), so a loan still out counts in
 * `reminded` only.
 */
export const reminderEffectivenessRollup = pgTable(
  'reminder_effectiveness_rollup',
  {
    day: date('day').notNull(),
    ...effectivenessCountColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.departmentId, t.kind, t.channel] }),
    index('reminder_effectiveness_rollup_department_day_idx').on(t.departmentId, t.day),
  ],
);

/**
 * The same figures per calendar month of those days (`month` is the month's first day), so a
 * long range reads twelve rows per key a year instead of 365: written by
 * `fold_notification_rollups()` in the statement that writes the daily rows (migration
 * `monthly_rollups`), never by the triggers. Read the `*_monthly_rollup_current` views (these
 * rows plus the daily deltas not yet folded, by month), for whole months only; a range's
 * partial months come from the daily rollups.
 */
export const notificationMonthlyRollup = pgTable(
  'notification_monthly_rollup',
  {
    month: date('month').notNull(),
    ...notificationCountColumns(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.channel, t.kind, t.status, t.errorCode] })],
);

export const notificationLatencyMonthlyRollup = pgTable(
  'notification_latency_monthly_rollup',
  {
    month: date('month').notNull(),
    ...latencyCountColumns(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.channel, t.metric, t.bucket] })],
);

export const reminderEffectivenessMonthlyRollup = pgTable(
  'reminder_effectiveness_monthly_rollup',
  {
    month: date('month').notNull(),
    ...effectivenessCountColumns(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.kind, t.channel] })],
);
