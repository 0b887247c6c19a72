import type { loans, scheduledReminders } from '@rappel/db';
import { toIsoOrNull } from '../http/schemas';
import type { LoanDto, LoanStatus } from './loans.schemas';

export type LoanRow = typeof loans.$inferSelect;
export type ReminderRow = typeof scheduledReminders.$inferSelect;

export function loanStatus(loan: LoanRow, now: Date): LoanStatus {
  if (loan.cancelledAt) return 'cancelled';
  if (loan.returnedAt) return 'returned';
  return loan.dueAt.getTime() < now.getTime() ? 'overdue' : 'open';
}

export const toLoanDto = (loan: LoanRow, now: Date): LoanDto => ({
  id: loan.id,
  itemId: loan.itemId,
  clientId: loan.clientId,
  roomId: loan.roomId,
  responsibleUserId: loan.responsibleUserId,
  departmentId: loan.departmentId,
  startsAt: loan.startsAt.toISOString(),
  dueAt: loan.dueAt.toISOString(),
  returnedAt: toIsoOrNull(loan.returnedAt),
  cancelledAt: toIsoOrNull(loan.cancelledAt),
  durationClass: loan.durationClass,
  version: loan.version,
  status: loanStatus(loan, now),
  notes: loan.notes,
  createdAt: loan.createdAt.toISOString(),
  updatedAt: loan.updatedAt.toISOString(),
});

export const toReminderDto = (r: ReminderRow) => ({
  id: r.id,
  kind: r.kind,
  occurrence: r.occurrence,
  fireAt: r.fireAt.toISOString(),
  loanVersion: r.loanVersion,
  state: r.state,
});
