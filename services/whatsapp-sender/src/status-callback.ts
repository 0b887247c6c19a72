import type { NotificationStatus } from '@rappel/contracts';
import { type Database, type Executor, notificationEvents, notificationLog } from '@rappel/db';
import { type NotificationRow, recordEvent } from '@rappel/delivery';
import { and, eq, isNull, sql } from 'drizzle-orm';

/** Twilio message statuses (message_enum_status) and the row status each one means. */
const TWILIO_TO_OURS: Record<string, NotificationStatus | undefined> = {
  accepted: 'sent',
  scheduled: 'sent',
  queued: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  // Twilio gave up on it: final, so never our retrying `failed` (the relay would resend it).
  failed: 'permanent_failure',
};

/**
 * Which row statuses each callback may move a row from. Forward only: sent → delivered → read;
 * a failure only from `sent`. A callback arriving late (delivered after read) changes nothing.
 */
const MOVES_FROM: Partial<Record<NotificationStatus, NotificationStatus[]>> = {
  delivered: ['sent'],
  read: ['sent', 'delivered'],
  undelivered: ['sent'],
  permanent_failure: ['sent'],
};

async function alreadyRecorded(tx: Executor, notificationId: string, cb: StatusCallback): Promise<boolean> {
  const [seen] = await tx
    .select({ id: notificationEvents.id })
    .from(notificationEvents)
    .where(
      and(
        eq(notificationEvents.notificationId, notificationId),
        eq(notificationEvents.type, 'callback'),
        sql`${notificationEvents.detail}->>'twilioStatus' = ${cb.twilioStatus}`,
        cb.errorCode === null
          ? isNull(notificationEvents.errorCode)
          : eq(notificationEvents.errorCode, cb.errorCode),
      ),
    )
    .limit(1);
  return seen !== undefined;
}

export interface StatusCallback {
  messageSid: string;
  twilioStatus: string;
  errorCode: string | null;
  at: Date;
}

export type CallbackOutcome =
  | { outcome: 'unknown_sid' }
  | { outcome: 'unchanged'; row: NotificationRow }
  | { outcome: 'moved'; row: NotificationRow; from: NotificationStatus };

/**
 * Applies one status callback to the row Twilio's message SID names, in one transaction with
 * its `callback` audit event. Unknown SIDs (another system's messages, rows purged) are ignored.
 */
export async function applyStatusCallback(db: Database, cb: StatusCallback): Promise<CallbackOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(notificationLog)
      .where(
        and(eq(notificationLog.providerMessageId, cb.messageSid), eq(notificationLog.channel, 'whatsapp')),
      )
      .for('update');
    if (!row) return { outcome: 'unknown_sid' as const };

    const target = TWILIO_TO_OURS[cb.twilioStatus];
    const moves = target !== undefined && (MOVES_FROM[target] ?? []).includes(row.status);
    let updated = row;
    if (moves) {
      const failure = target === 'undelivered' || target === 'permanent_failure';
      [updated = row] = await tx
        .update(notificationLog)
        .set({
          status: target,
          updatedAt: cb.at,
          ...(target === 'delivered' ? { deliveredAt: cb.at } : {}),
          // Read implies delivered, even when the delivered callback is still on its way.
          ...(target === 'read'
            ? {
                readAt: cb.at,
                deliveredAt: sql`coalesce(${notificationLog.deliveredAt}, ${cb.at.toISOString()}::timestamptz)`,
              }
            : {}),
          ...(failure
            ? {
                failedAt: cb.at,
                errorCode: cb.errorCode ?? `twilio_${cb.twilioStatus}`,
                errorMessage: `Twilio reported the message ${cb.twilioStatus}`,
              }
            : {}),
        })
        .where(eq(notificationLog.id, row.id))
        .returning();
    }
    // Twilio retries callbacks and anyone can replay a signed one: a callback that changes
    // nothing and was already recorded (same status and error) is not recorded again.
    if (!moves && (await alreadyRecorded(tx, row.id, cb))) return { outcome: 'unchanged' as const, row };
    await recordEvent(tx, {
      notificationId: row.id,
      type: 'callback',
      status: updated.status,
      errorCode: cb.errorCode,
      detail: { twilioStatus: cb.twilioStatus, applied: moves, previousStatus: row.status },
      actor: 'twilio',
      at: cb.at,
    });
    return moves
      ? { outcome: 'moved' as const, row: updated, from: row.status }
      : { outcome: 'unchanged' as const, row };
  });
}
