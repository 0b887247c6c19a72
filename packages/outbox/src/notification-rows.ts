import {
  type Channel,
  type DurationClass,
  idempotencyKey,
  type NotificationKind,
  type NotificationStatus,
  type SkipReason,
} from '@rappel/contracts';
import { type Executor, insertMany, notificationLog } from '@rappel/db';
import { decideChannels } from '@rappel/domain';
import type { PublishableRow } from '@rappel/queue';
import type { Recipient } from './recipients';

/** Why a message is being made: what it is about and which occurrence it is. */
export interface NotificationCause {
  kind: NotificationKind;
  departmentId: string;
  /** The loan, when the message is about one (every kind but daily_report). */
  loanId: string | null;
  /** See idempotencyKey(): plan version and overdue number, a date, a request id… */
  occurrence: string;
  durationClass?: DurationClass | null;
  reminderId?: string | null;
  scheduledAt?: Date;
  context?: Record<string, unknown> | null;
  replacesId?: string | null;
}

export type NewNotification = typeof notificationLog.$inferInsert;

export interface PlanOptions {
  /**
   * Record a `skipped` row for channels that will not be used (the scheduler does, so the
   * dashboard shows why a reminder did not go). When false, such channels get no row.
   */
  recordSkipped: boolean;
  /** Force every row to be skipped with this reason (loan returned, reminder too late…). */
  skipAll?: SkipReason;
}

/** The rows one cause makes for one recipient, one per channel (or only the channels used). */
export function notificationRowsFor(
  cause: NotificationCause,
  recipient: Recipient,
  options: PlanOptions,
): NewNotification[] {
  const decisions = decideChannels(cause.kind, recipient.preferences, {
    email: recipient.email,
    phone: recipient.phone,
  });
  const rows: NewNotification[] = [];
  for (const d of decisions) {
    const skipReason: SkipReason | null = options.skipAll ?? (d.send ? null : d.skipReason);
    if (skipReason && !options.recordSkipped) continue;
    const status: NotificationStatus = skipReason ? 'skipped' : 'pending';
    rows.push({
      idempotencyKey: idempotencyKey({
        subjectId: cause.loanId ?? cause.departmentId,
        kind: cause.kind,
        channel: d.channel,
        recipientType: recipient.type,
        recipientId: recipient.id,
        occurrence: cause.occurrence,
      }),
      loanId: cause.loanId,
      departmentId: cause.departmentId,
      reminderId: cause.reminderId ?? null,
      kind: cause.kind,
      channel: d.channel,
      recipientType: recipient.type,
      recipientId: recipient.id,
      recipientAddress: d.address,
      language: recipient.language,
      durationClass: cause.durationClass ?? null,
      occurrence: cause.occurrence,
      status,
      skipReason,
      context: cause.context ?? null,
      replacesId: cause.replacesId ?? null,
      ...(cause.scheduledAt ? { scheduledAt: cause.scheduledAt } : {}),
    });
  }
  return rows;
}

export interface InsertedNotification {
  id: string;
  channel: Channel;
  kind: NotificationKind;
  status: NotificationStatus;
}

/**
 * Inserts rows in the caller's transaction. A row whose idempotency key exists already is
 * left alone (no path can make the same message twice). Returns only the rows inserted now.
 */
export async function insertNotifications(
  db: Executor,
  rows: readonly NewNotification[],
): Promise<InsertedNotification[]> {
  const { table, options } = notificationInsert(rows);
  return insertedNotifications(await insertMany(db, table, rows, options));
}

/** The rows as a part of insertTogether: a row whose idempotency key exists is left out. */
export const notificationInsert = (rows: readonly NewNotification[]) => ({
  table: notificationLog,
  rows,
  options: { onConflictDoNothing: notificationLog.idempotencyKey },
});

export const insertedNotifications = (
  rows: readonly (typeof notificationLog.$inferSelect)[],
): InsertedNotification[] => rows.map(({ id, channel, kind, status }) => ({ id, channel, kind, status }));

/** The inserted rows that need a job. */
export const toPublish = (inserted: readonly InsertedNotification[]): PublishableRow[] =>
  inserted.filter((r) => r.status === 'pending').map(({ id, channel, kind }) => ({ id, channel, kind }));
