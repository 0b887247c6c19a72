import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import { closeLoan } from './lock-loan';
import { remindersOf } from './reminder-plan-rows';
import { withdrawUnsent } from './withdraw-unsent';

/**
 * The loan was a mistake: its plan and its messages not yet sent are cancelled, and the
 * borrower gets no `loan_returned`. The item is free again. A message a worker is sending at
 * this moment is left to it: sent, it is recorded `sent`; not sent, its next attempt skips it.
 */
export function cancelLoan(ctx: ServiceContext, caller: Caller, id: string): Promise<LoanEffects> {
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const loan = await closeLoan(tx, caller, id, 'cancelledAt', now);
    const notifications = await withdrawUnsent(tx, loan.id, now, {
      status: 'cancelled',
      reason: 'cancelled',
    });
    return { loan: loan, notifications, reminders: await remindersOf(tx, loan.id) };
  });
}
