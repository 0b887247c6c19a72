import { type Executor, loans } from '@rappel/db';
import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import { canSee } from '../auth/scope';
import { Conflict, NotFound } from '../http/errors';
import type { LoanRow } from './loan-dto';
import { cancelScheduledReminders } from './reminder-plan-rows';

/** The loan, if the caller may see it (another department's loan is a 404, like a missing one). */
export async function findLoan(db: Executor, caller: Caller, id: string): Promise<LoanRow> {
  const [loan] = await db.select().from(loans).where(eq(loans.id, id));
  if (!loan || !canSee(caller, loan.departmentId)) throw new NotFound.loan();
  return loan;
}

/**
 * The loan, locked for the rest of the transaction against other loan commands, if the caller
 * may see it. `FOR NO KEY UPDATE`, the lock an UPDATE of the loan takes anyway, and not
 * `FOR UPDATE`: that one also blocks the `FOR KEY SHARE` a foreign-key check takes, so a sweep
 * inserting a reminder's messages for this loan, while holding that reminder's row, waited on
 * the desk, and the desk, updating the loan's reminders, waited on the sweep (a deadlock).
 */
export async function lockLoan(tx: Executor, caller: Caller, id: string): Promise<LoanRow> {
  const [loan] = await tx.select().from(loans).where(eq(loans.id, id)).for('no key update');
  if (!loan || !canSee(caller, loan.departmentId)) throw new NotFound.loan();
  return loan;
}

/** Commands that change a loan need it still out. */
export function assertOpen(loan: LoanRow): void {
  if (loan.cancelledAt) throw new Conflict.loanCancelled();
  if (loan.returnedAt) throw new Conflict.loanAlreadyReturned();
}

/**
 * Ends a loan the caller may see and that is still out: locks it, stamps `returnedAt` or
 * `cancelledAt` with `now`, and cancels what is left of its reminder plan.
 */
export async function closeLoan(
  tx: Executor,
  caller: Caller,
  id: string,
  how: 'returnedAt' | 'cancelledAt',
  now: Date,
): Promise<LoanRow> {
  const current = await lockLoan(tx, caller, id);
  assertOpen(current);
  const [loan] = await tx
    .update(loans)
    .set({ [how]: now, updatedAt: now })
    .where(eq(loans.id, current.id))
    .returning();
  await cancelScheduledReminders(tx, loan!.id);
  return loan!;
}
