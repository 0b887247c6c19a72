import {
  FALLBACK_ALREADY_BY_EMAIL,
  FALLBACK_EMAIL_FAILED,
  idempotencyKey,
  type NotificationStatus,
} from '@rappel/contracts';
import { type Database, type Executor, notificationEvents, notificationLog } from '@rappel/db';
import { type NotificationRow, recordEvent } from '@rappel/delivery';
import type { Clock } from '@rappel/domain';
import {
  type InsertedNotification,
  insertNotifications,
  loadBorrower,
  loadUserRecipients,
  type NewNotification,
  notificationRowsFor,
  type OutboxPublisher,
  type Recipient,
  toPublish,
} from '@rappel/outbox';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

export interface EmailFallbackOptions {
  db: Database;
  publisher: OutboxPublisher;
  clock: Clock;
  logger: Logger;
  actor: string;
}

export type EmailFallback = (row: NotificationRow) => Promise<{ emailId: string } | null>;

/** The occurrence of the e-mail that replaces a failed WhatsApp message (docs/design-decisions.md). */
export const fallbackOccurrence = (occurrence: string) => `${occurrence}:fallback`;

/**
 * An e-mail in one of these states has reached the recipient or is still on its way (a retry
 * included): a fallback would send the same message twice.
 */
const EMAIL_ON_ITS_WAY: readonly NotificationStatus[] = ['pending', 'failed', 'sent', 'delivered', 'read'];

/** Why no fallback is made although the recipient could get one (a `fallback` event's reason). */
type NoFallbackReason = typeof FALLBACK_ALREADY_BY_EMAIL | typeof FALLBACK_EMAIL_FAILED;

/**
 * The fallback e-mails made (none: no address, e-mail off, or already made), or the e-mail of
 * the same cause that makes one pointless, and why.
 */
type Decision = { made: InsertedNotification[] } | { notNeeded: NoFallbackReason; emailId: string };

const NO_FALLBACK_LOG: Record<NoFallbackReason, string> = {
  [FALLBACK_ALREADY_BY_EMAIL]: 'no e-mail fallback: the same message already goes by e-mail',
  [FALLBACK_EMAIL_FAILED]:
    'no e-mail fallback: the same message by e-mail already failed for good at the same address',
};

/** Why the e-mail of the same cause makes a fallback pointless, or null when it does not. */
function noFallbackReason(email: SameCauseEmail, fallbacks: NewNotification[]): NoFallbackReason | null {
  if (EMAIL_ON_ITS_WAY.includes(email.status)) return FALLBACK_ALREADY_BY_EMAIL;
  const failedHere =
    email.status === 'permanent_failure' &&
    !email.retriesExhausted &&
    fallbacks.some((r) => sameAddress(email.recipientAddress, r.recipientAddress));
  return failedHere ? FALLBACK_EMAIL_FAILED : null;
}

/**
 * The same mailbox: the failed e-mail's address and the fallback's, compared without case
 * (mail systems treat the domain, and in practice the local part, without case), so a desk
 * that only re-typed the address's case does not get a second failure.
 */
const sameAddress = (failed: string | null, fallback: string | null | undefined) =>
  failed !== null && fallback != null && failed.trim().toLowerCase() === fallback.trim().toLowerCase();

/**
 * When a WhatsApp message cannot reach its recipient, the same notification goes by e-mail:
 * a new log row (same kind, occurrence `<original>:fallback`, replaces_id = the WhatsApp row),
 * only if the recipient has an address and e-mail switched on (for that kind) now, and only if
 * the same cause has no e-mail sent or on its way. Loan events and reminders write an e-mail
 * row beside the WhatsApp one whenever e-mail is on, and that e-mail already tells the
 * borrower: the decision is then a `fallback` event on the WhatsApp row (reason
 * `already_by_email`, the e-mail's id), recorded once, and no row. Likewise when that e-mail
 * was refused for good at the address the fallback would use (reason `email_failed`): a
 * fallback would fail the same way. An e-mail given up after its retries (a relay outage) or an
 * address changed since then gets the fallback. The
 * fallback row's idempotency key makes it once per original row, however many paths (worker,
 * callbacks) ask.
 */
export function createEmailFallback({
  db,
  publisher,
  clock,
  logger,
  actor,
}: EmailFallbackOptions): EmailFallback {
  return async (row) => {
    if (row.channel !== 'whatsapp') return null;
    const log = logger.child({ notificationId: row.id, kind: row.kind });
    const decision = await db.transaction(async (tx): Promise<Decision> => {
      const recipient = await recipientOf(tx, row);
      if (!recipient) return { made: [] };
      const rows = notificationRowsFor(
        {
          kind: row.kind,
          departmentId: row.departmentId,
          loanId: row.loanId,
          occurrence: fallbackOccurrence(row.occurrence),
          durationClass: row.durationClass,
          reminderId: row.reminderId,
          context: row.context,
          replacesId: row.id,
        },
        recipient,
        { recordSkipped: false },
      ).filter((r) => r.channel === 'email');
      if (rows.length === 0) return { made: [] };
      const email = await emailOfSameCause(tx, row);
      const notNeeded = email && noFallbackReason(email, rows);
      if (email && notNeeded) {
        if (!(await fallbackDecided(tx, row.id)))
          await recordEvent(tx, {
            notificationId: row.id,
            type: 'fallback',
            status: null,
            errorCode: row.errorCode,
            detail: { channel: 'email', notificationId: email.id, reason: notNeeded },
            actor,
            at: clock.now(),
          });
        return { notNeeded, emailId: email.id };
      }
      const made = await insertNotifications(tx, rows);
      for (const fallback of made) {
        await recordEvent(tx, {
          notificationId: row.id,
          type: 'fallback',
          status: null,
          errorCode: row.errorCode,
          detail: { channel: 'email', notificationId: fallback.id },
          actor,
          at: clock.now(),
        });
      }
      return { made };
    });
    if ('notNeeded' in decision) {
      log.info(
        { emailNotificationId: decision.emailId, reason: decision.notNeeded },
        NO_FALLBACK_LOG[decision.notNeeded],
      );
      return null;
    }
    const { made } = decision;
    const [email] = made;
    if (!email) {
      log.info('no e-mail fallback: no address, e-mail off, or already made');
      return null;
    }
    await publisher.publishAfterCommit(toPublish(made));
    log.info({ emailNotificationId: email.id }, 'WhatsApp message replaced by an e-mail');
    return { emailId: email.id };
  };
}

interface SameCauseEmail {
  id: string;
  status: NotificationStatus;
  recipientAddress: string | null;
  /**
   * Its last permanent failure was the worker giving up after its retries (an SMTP outage, a
   * refused login), not the relay refusing the address or the message: it says nothing about
   * the address, so a fallback there may well pass.
   */
  retriesExhausted: boolean;
}

/**
 * The e-mail the WhatsApp row's own cause made for the same recipient (same loan or
 * department, kind and occurrence), found by its idempotency key, locked like an update:
 * a replay or a settle of it waits for the decision and the decision sees its latest
 * status; two fallbacks for the same row take turns. Null when the cause made none
 * (e-mail off or no address then).
 */
async function emailOfSameCause(db: Executor, row: NotificationRow): Promise<SameCauseEmail | null> {
  const key = idempotencyKey({
    subjectId: row.loanId ?? row.departmentId,
    kind: row.kind,
    channel: 'email',
    recipientType: row.recipientType,
    recipientId: row.recipientId,
    occurrence: row.occurrence,
  });
  const [email] = await db
    .select({
      id: notificationLog.id,
      status: notificationLog.status,
      recipientAddress: notificationLog.recipientAddress,
      // Qualified by hand: drizzle writes a one-table select's columns without their table.
      retriesExhausted: sql<boolean>`coalesce((
        select (e.detail ->> 'retriesExhausted')::boolean
        from notification_events e
        where e.notification_id = notification_log.id and e.type = 'permanent_failure'
        order by e.at desc, e.id desc
        limit 1), false)`,
    })
    .from(notificationLog)
    .where(eq(notificationLog.idempotencyKey, key))
    .for('no key update');
  return email ?? null;
}

/** A fallback decision is already on record for this WhatsApp row. */
async function fallbackDecided(db: Executor, notificationId: string): Promise<boolean> {
  const [event] = await db
    .select({ id: notificationEvents.id })
    .from(notificationEvents)
    .where(
      and(eq(notificationEvents.notificationId, notificationId), eq(notificationEvents.type, 'fallback')),
    )
    .limit(1);
  return event !== undefined;
}

async function recipientOf(db: Executor, row: NotificationRow): Promise<Recipient | null> {
  if (row.recipientType === 'user') {
    const [user] = await loadUserRecipients(db, [row.recipientId]);
    return user ?? null;
  }
  if (!row.loanId) return null;
  const borrower = await loadBorrower(db, row.loanId);
  return borrower?.type === 'client' && borrower.id === row.recipientId ? borrower : null;
}
