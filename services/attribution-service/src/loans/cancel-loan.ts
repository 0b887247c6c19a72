import { loans, notificationLog } from '@rappel/db';
import { and, eq, inArray } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import { assertOpen, lockLoan } from './lock-loan';
import { cancelScheduledReminders, remindersOf } from './reminder-plan-rows';

/**
 * The loan was a mistake: its plan and its messages not yet sent are cancelled, and the
 * borrower gets no `loan_returned`. The item is free again.
 */
export function cancelLoan(ctx: ServiceContext, caller: Caller, id: string): Promise<LoanEffects> {
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const current = await lockLoan(tx, caller, id);
    assertOpen(current);
    const [loan] = await tx
      .update(loans)
      .set({ cancelledAt: now, updatedAt: now })
      .where(eq(loans.id, current.id))
      .returning();
    await cancelScheduledReminders(tx, loan!.id);
    const notifications = await tx
      .update(notificationLog)
      .set({ status: 'cancelled', skipReason: 'cancelled', nextAttemptAt: null, updatedAt: now })
      .where(
        and(eq(notificationLog.loanId, loan!.id), inArray(notificationLog.status, ['pending', 'failed'])),
      )
      .returning({
        id: notificationLog.id,
        channel: notificationLog.channel,
        kind: notificationLog.kind,
        status: notificationLog.status,
      });
    return { loan: loan!, notifications, reminders: await remindersOf(tx, loan!.id) };
  });
}
