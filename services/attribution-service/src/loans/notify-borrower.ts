import type { NotificationKind } from '@rappel/contracts';
import type { Executor } from '@rappel/db';
import {
  type InsertedNotification,
  insertNotifications,
  loadBorrowers,
  type NewNotification,
  notificationRowsFor,
  type Recipient,
} from '@rappel/outbox';
import type { LoanRow } from './loan-dto';

export interface BorrowerMessage {
  kind: NotificationKind;
  occurrence: string;
  now: Date;
  context?: Record<string, unknown>;
  /** Record a `skipped` row for each channel not used (true), or make no row for it (false). */
  recordSkipped: boolean;
}

/**
 * The rows of one message to the loan's borrower (the client, or the responsible staff
 * member of a room loan), one per channel, written in the caller's transaction.
 */
export async function notifyBorrower(
  tx: Executor,
  loan: LoanRow,
  message: BorrowerMessage,
): Promise<InsertedNotification[]> {
  // The batch loader: one query (loadBorrower takes two).
  const borrower = (await loadBorrowers(tx, [loan.id])).get(loan.id);
  if (!borrower) throw new Error(`loan ${loan.id} has no borrower`);
  return insertNotifications(tx, borrowerMessageRows(loan, borrower, message));
}

/** The rows of one message to the loan's borrower, one per channel, not yet written. */
export function borrowerMessageRows(
  loan: Pick<LoanRow, 'id' | 'departmentId' | 'durationClass'>,
  borrower: Recipient,
  message: BorrowerMessage,
): NewNotification[] {
  return notificationRowsFor(
    {
      kind: message.kind,
      departmentId: loan.departmentId,
      loanId: loan.id,
      occurrence: message.occurrence,
      durationClass: loan.durationClass,
      scheduledAt: message.now,
      context: message.context ?? null,
    },
    borrower,
    { recordSkipped: message.recordSkipped },
  );
}
