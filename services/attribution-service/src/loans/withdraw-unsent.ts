import type { NotificationKind, SkipReason } from '@rappel/contracts';
import { type Executor, notificationLog, notLeased, stillActionable } from '@rappel/db';
import type { InsertedNotification } from '@rappel/outbox';
import { and, eq, inArray } from 'drizzle-orm';

/** What a loan command does to the loan's messages that have not gone out. */
export interface Withdrawal {
  status: 'cancelled' | 'skipped';
  reason: Extract<SkipReason, 'cancelled' | 'superseded'>;
  /** Only messages of these kinds; all of the loan's when absent. */
  kinds?: readonly NotificationKind[];
}

/**
 * Withdraws the loan's messages still `pending`/`failed` that no worker is sending, in the
 * caller's transaction, and returns them.
 *
 * A row under a live lease is being sent right now: it is left to its worker, whose `sent` only
 * lands on a row still pending/failed (marked here, a message the provider accepted would stay
 * `cancelled` with no provider id, and its status callbacks would match nothing). If that
 * attempt fails, the next one finds the loan ended or its plan replaced and skips the row
 * (`mootReason`, @rappel/delivery). So are rows another statement has locked at this moment
 * (SKIP LOCKED: a claim about to lease it, a replay); waiting on them could deadlock against a
 * batch of claims that locks the same loan's rows in another order.
 *
 * Run it after the loan's `scheduled_reminders` are updated: that update waits for a sweep
 * that is firing one of them, so this statement then sees the rows the sweep wrote.
 */
export async function withdrawUnsent(
  tx: Executor,
  loanId: string,
  now: Date,
  withdrawal: Withdrawal,
): Promise<InsertedNotification[]> {
  const unsent = tx.$with('unsent').as(
    tx
      .select({ id: notificationLog.id })
      .from(notificationLog)
      .where(
        and(
          eq(notificationLog.loanId, loanId),
          stillActionable,
          notLeased(now),
          withdrawal.kinds ? inArray(notificationLog.kind, [...withdrawal.kinds]) : undefined,
        ),
      )
      .for('no key update', { skipLocked: true }),
  );
  return tx
    .with(unsent)
    .update(notificationLog)
    .set({ status: withdrawal.status, skipReason: withdrawal.reason, nextAttemptAt: null, updatedAt: now })
    .where(inArray(notificationLog.id, tx.select({ id: unsent.id }).from(unsent)))
    .returning({
      id: notificationLog.id,
      channel: notificationLog.channel,
      kind: notificationLog.kind,
      status: notificationLog.status,
    });
}
