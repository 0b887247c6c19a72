import { FALLBACK_ALREADY_BY_EMAIL, idempotencyKey, type NotificationStatus } from '@rappel/contracts';
import { type Database, type Executor, notificationEvents, notificationLog } from '@rappel/db';
import { type NotificationRow, recordEvent } from '@rappel/delivery';
import type { Clock } from '@rappel/domain';
import {
  type InsertedNotification,
  insertNotifications,
  loadBorrower,
  loadUserRecipients,
  notificationRowsFor,
  type OutboxPublisher,
  type Recipient,
  toPublish,
} from '@rappel/outbox';
import { and, eq } from 'drizzle-orm';
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

/**
 * The fallback e-mails made (none: no address, e-mail off, or already made), or the e-mail of
 * the same cause already on its way.
 */
type Decision = { made: InsertedNotification[] } | { alreadyByEmail: string };

/**
 * When a WhatsApp message cannot reach its recipient, the same notification goes by e-mail:
 * a new log row (same kind, occurrence `<original>:fallback`, replaces_id = the WhatsApp row),
 * only if the recipient has an address and e-mail switched on (for that kind) now, and only if
 * the same cause has no e-mail sent or on its way. Loan events and reminders write an e-mail
 * row beside the WhatsApp one whenever e-mail is on, and that e-mail already tells the
 * borrower: the decision is then a `fallback` event on the WhatsApp row (reason
 * `already_by_email`, the e-mail's id), recorded once, and no row. The fallback row's
 * idempotency key makes it once per original row, however many paths (worker, callbacks) ask.
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
      if (email && EMAIL_ON_ITS_WAY.includes(email.status)) {
        if (!(await fallbackDecided(tx, row.id)))
          await recordEvent(tx, {
            notificationId: row.id,
            type: 'fallback',
            status: null,
            errorCode: row.errorCode,
            detail: { channel: 'email', notificationId: email.id, reason: FALLBACK_ALREADY_BY_EMAIL },
            actor,
            at: clock.now(),
          });
        return { alreadyByEmail: email.id };
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
    if ('alreadyByEmail' in decision) {
      log.info(
        { emailNotificationId: decision.alreadyByEmail },
        'no e-mail fallback: the same message already goes by e-mail',
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

/**
 * The e-mail the WhatsApp row's own cause made for the same recipient (same loan or
 * department, kind and occurrence), found by its idempotency key, locked like an update:
 * a replay or a settle of it waits for the decision and the decision sees its latest
 * status; two fallbacks for the same row take turns. Null when the cause made none
 * (e-mail off or no address then).
 */
async function emailOfSameCause(
  db: Executor,
  row: NotificationRow,
): Promise<{ id: string; status: NotificationStatus } | null> {
  const key = idempotencyKey({
    subjectId: row.loanId ?? row.departmentId,
    kind: row.kind,
    channel: 'email',
    recipientType: row.recipientType,
    recipientId: row.recipientId,
    occurrence: row.occurrence,
  });
  const [email] = await db
    .select({ id: notificationLog.id, status: notificationLog.status })
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
