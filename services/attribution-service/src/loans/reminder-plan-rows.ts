import { type Executor, insertMany, scheduledReminders } from '@rappel/db';
import { planReminders, type ReminderPolicy } from '@rappel/domain';
import { and, asc, eq } from 'drizzle-orm';
import type { LoanRow, ReminderRow } from './loan-dto';

/** The rows of the plan of the loan's current version, made at `now` (past reminders left out). */
export function planRows(
  loan: Pick<LoanRow, 'id' | 'startsAt' | 'dueAt' | 'version'>,
  now: Date,
  policy: ReminderPolicy,
): (typeof scheduledReminders.$inferInsert)[] {
  return planReminders({ startsAt: loan.startsAt, dueAt: loan.dueAt, now }, policy).map((r) => ({
    ...r,
    loanId: loan.id,
    loanVersion: loan.version,
  }));
}

/** Writes the plan of the loan's current version, made at `now` (past reminders left out). */
export async function writePlan(
  tx: Executor,
  loan: LoanRow,
  now: Date,
  policy: ReminderPolicy,
): Promise<ReminderRow[]> {
  const rows = planRows(loan, now, policy);
  return rows.length === 0 ? [] : insertMany(tx, scheduledReminders, rows);
}

/** Cancels every reminder of the loan that has not fired yet, whatever its plan version. */
export async function cancelScheduledReminders(tx: Executor, loanId: string): Promise<void> {
  await tx
    .update(scheduledReminders)
    .set({ state: 'cancelled' })
    .where(and(eq(scheduledReminders.loanId, loanId), eq(scheduledReminders.state, 'scheduled')));
}

/** The loan's reminders, current plan first in time order. */
export async function remindersOf(tx: Executor, loanId: string): Promise<ReminderRow[]> {
  return tx
    .select()
    .from(scheduledReminders)
    .where(eq(scheduledReminders.loanId, loanId))
    .orderBy(asc(scheduledReminders.fireAt), asc(scheduledReminders.loanVersion));
}
