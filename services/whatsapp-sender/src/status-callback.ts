import type { NotificationStatus } from '@rappel/contracts';
import {
  type Database,
  type Executor,
  heldStatusCallbacks,
  notificationEvents,
  notificationLog,
} from '@rappel/db';
import { type NotificationRow, recordEvent } from '@rappel/delivery';
import { and, asc, eq, exists, inArray, isNull, lt, type SQLWrapper, sql } from 'drizzle-orm';

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
  | { outcome: 'held' }
  | { outcome: 'unchanged'; row: NotificationRow }
  | { outcome: 'moved'; row: NotificationRow; from: NotificationStatus };

/** The WhatsApp row that carries this Twilio message SID. */
const carriesSid = (messageSid: SQLWrapper | string) =>
  and(eq(notificationLog.providerMessageId, messageSid), eq(notificationLog.channel, 'whatsapp'));

/**
 * Applies one status callback to the row Twilio's message SID names, in one transaction with
 * its `callback` audit event. A SID no row carries yet is held (`held_status_callbacks`): Twilio
 * may call back before the sender has recorded the SID, and `applyHeldStatusCallbacks` applies
 * it once the SID is there.
 */
export async function applyStatusCallback(db: Executor, cb: StatusCallback): Promise<CallbackOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(notificationLog).where(carriesSid(cb.messageSid)).for('update');
    if (!row) {
      await tx
        .insert(heldStatusCallbacks)
        .values({
          messageSid: cb.messageSid,
          twilioStatus: cb.twilioStatus,
          errorCode: cb.errorCode,
          receivedAt: cb.at,
        })
        .onConflictDoNothing();
      return { outcome: 'held' as const };
    }

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

/** How long a held callback waits for its SID before it is taken for another system's message. */
export const HELD_CALLBACK_TTL_MS = 24 * 3_600_000;

export interface HeldCallbacksRun {
  /** What each held callback whose SID is now on a row did, in the order Twilio sent them. */
  applied: Exclude<CallbackOutcome, { outcome: 'held' }>[];
  /** Held callbacks dropped after HELD_CALLBACK_TTL_MS without a row. */
  dropped: number;
}

/**
 * Applies the held callbacks whose SID a row now carries, as they would have been applied on
 * arrival (same time, same rules: forward only, a repeat recorded once), oldest first, and drops
 * those that waited longer than HELD_CALLBACK_TTL_MS. Replicas share the work: each held
 * callback is locked by the run that takes it and skipped by the others.
 */
export async function applyHeldStatusCallbacks(
  db: Database,
  now: Date,
  limit = 200,
): Promise<HeldCallbacksRun> {
  return db.transaction(async (tx) => {
    const held = await tx
      .select()
      .from(heldStatusCallbacks)
      .where(
        exists(
          tx.select({ one: sql`1` }).from(notificationLog).where(carriesSid(heldStatusCallbacks.messageSid)),
        ),
      )
      .orderBy(asc(heldStatusCallbacks.receivedAt), asc(heldStatusCallbacks.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    const applied: HeldCallbacksRun['applied'] = [];
    for (const h of held) {
      const result = await applyStatusCallback(tx, {
        messageSid: h.messageSid,
        twilioStatus: h.twilioStatus,
        errorCode: h.errorCode,
        at: h.receivedAt,
      });
      // 'held' only if the row was purged in between: nothing left to apply it to.
      if (result.outcome !== 'held') applied.push(result);
    }
    if (held.length > 0) {
      await tx.delete(heldStatusCallbacks).where(
        inArray(
          heldStatusCallbacks.id,
          held.map((h) => h.id),
        ),
      );
    }
    const dropped = await tx
      .delete(heldStatusCallbacks)
      .where(lt(heldStatusCallbacks.receivedAt, new Date(now.getTime() - HELD_CALLBACK_TTL_MS)))
      .returning({ id: heldStatusCallbacks.id });
    return { applied, dropped: dropped.length };
  });
}
