import type { Database, Executor } from '@rappel/db';
import { type NotificationRow, recordEvent } from '@rappel/delivery';
import type { Clock } from '@rappel/domain';
import {
  insertNotifications,
  loadBorrower,
  loadUserRecipients,
  notificationRowsFor,
  type OutboxPublisher,
  type Recipient,
  toPublish,
} from '@rappel/outbox';
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
 * When a WhatsApp message cannot reach its recipient, the same notification goes by e-mail:
 * a new log row (same kind, occurrence `<original>:fallback`, replaces_id = the WhatsApp row),
 * only if the recipient has an address and e-mail switched on. Its idempotency key makes it
 * once per original row, however many paths (worker, callbacks) ask for it.
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
    const inserted = await db.transaction(async (tx) => {
      const recipient = await recipientOf(tx, row);
      if (!recipient) return [];
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
      const made = await insertNotifications(tx, rows);
      for (const email of made) {
        await recordEvent(tx, {
          notificationId: row.id,
          type: 'fallback',
          status: null,
          errorCode: row.errorCode,
          detail: { channel: 'email', notificationId: email.id },
          actor,
          at: clock.now(),
        });
      }
      return made;
    });
    const [email] = inserted;
    if (!email) {
      log.info('no e-mail fallback: no address, e-mail off, or already made');
      return null;
    }
    await publisher.publishAfterCommit(toPublish(inserted));
    log.info({ emailNotificationId: email.id }, 'WhatsApp message replaced by an e-mail');
    return { emailId: email.id };
  };
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
