import { notificationLog, stillActionable } from '@rappel/db';
import { and, eq } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import { closeLoan } from './lock-loan';
import { remindersOf } from './reminder-plan-rows';

/**
 * The loan was a mistake: its plan and its messages not yet sent are cancelled, and the
 * borrower gets no `loan_returned`. The item is free again.
 */
export function cancelLoan(ctx: ServiceContext, caller: Caller, id: string): Promise<LoanEffects> {
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const loan = await closeLoan(tx, caller, id, 'cancelledAt', now);
    const notifications = await tx
      .update(notificationLog)
      .set({ status: 'cancelled', skipReason: 'cancelled', nextAttemptAt: null, updatedAt: now })
      .where(and(eq(notificationLog.loanId, loan.id), stillActionable))
      .returning({
        id: notificationLog.id,
        channel: notificationLog.channel,
        kind: notificationLog.kind,
        status: notificationLog.status,
      });
    return { loan: loan, notifications, reminders: await remindersOf(tx, loan.id) };
  });
}
