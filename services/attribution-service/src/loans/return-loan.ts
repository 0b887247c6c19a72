import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import { closeLoan } from './lock-loan';
import { notifyBorrower } from './notify-borrower';
import { remindersOf } from './reminder-plan-rows';

/** The item is back: what is left of the plan is cancelled and `loan_returned` goes out. */
export function returnLoan(ctx: ServiceContext, caller: Caller, id: string): Promise<LoanEffects> {
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const loan = await closeLoan(tx, caller, id, 'returnedAt', now);
    const notifications = await notifyBorrower(tx, loan, {
      kind: 'loan_returned',
      occurrence: '1',
      now,
      recordSkipped: false,
    });
    return { loan, notifications, reminders: await remindersOf(tx, loan.id) };
  });
}
