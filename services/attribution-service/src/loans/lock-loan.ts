import { type Executor, loans } from '@rappel/db';
import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import { canSee } from '../auth/scope';
import { Conflict, NotFound } from '../http/errors';
import type { LoanRow } from './loan-dto';

/** The loan, if the caller may see it (another department's loan is a 404, like a missing one). */
export async function findLoan(db: Executor, caller: Caller, id: string): Promise<LoanRow> {
  const [loan] = await db.select().from(loans).where(eq(loans.id, id));
  if (!loan || !canSee(caller, loan.departmentId)) throw new NotFound.loan();
  return loan;
}

/** The loan, locked for the rest of the transaction, if the caller may see it. */
export async function lockLoan(tx: Executor, caller: Caller, id: string): Promise<LoanRow> {
  const [loan] = await tx.select().from(loans).where(eq(loans.id, id)).for('update');
  if (!loan || !canSee(caller, loan.departmentId)) throw new NotFound.loan();
  return loan;
}

/** Commands that change a loan need it still out. */
export function assertOpen(loan: LoanRow): void {
  if (loan.cancelledAt) throw new Conflict.loanCancelled();
  if (loan.returnedAt) throw new Conflict.loanAlreadyReturned();
}
