import { loans } from '@rappel/db';
import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import { assertOpen, lockLoan } from './lock-loan';
import { notifyBorrower } from './notify-borrower';
import { cancelScheduledReminders, remindersOf } from './reminder-plan-rows';

/** The item is back: what is left of the plan is cancelled and `loan_returned` goes out. */
export function returnLoan(ctx: ServiceContext, caller: Caller, id: string): Promise<LoanEffects> {
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const current = await lockLoan(tx, caller, id);
    assertOpen(current);
    const [loan] = await tx
      .update(loans)
      .set({ returnedAt: now, updatedAt: now })
      .where(eq(loans.id, current.id))
      .returning();
    await cancelScheduledReminders(tx, loan!.id);
    const notifications = await notifyBorrower(tx, loan!, {
      kind: 'loan_returned',
      occurrence: '1',
      now,
      recordSkipped: false,
    });
    return { loan: loan!, notifications, reminders: await remindersOf(tx, loan!.id) };
  });
}
