import { randomUUID } from 'node:crypto';
import type { NotificationKind } from '@rappel/contracts';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import type { LoanRow } from './loan-dto';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import { assertOpen, lockLoan } from './lock-loan';
import { notifyBorrower } from './notify-borrower';
import { remindersOf } from './reminder-plan-rows';

/** The reminder a desk asks for now: overdue once due, else the class's pre-due reminder. */
export function manualReminderKind(loan: LoanRow, now: Date): NotificationKind {
  if (now.getTime() >= loan.dueAt.getTime()) return 'overdue';
  return loan.durationClass === 'long' ? 'reminder_due_day' : 'reminder_2h';
}

/**
 * Sends the right reminder now (issue 4, manual reminder). Each request is its own
 * occurrence (`manual:<uuid>`), so it never collides with the plan's reminders. The
 * borrower's switches apply; channels not used are recorded `skipped` so the desk sees why.
 */
export function remindLoan(ctx: ServiceContext, caller: Caller, id: string): Promise<LoanEffects> {
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const loan = await lockLoan(tx, caller, id);
    assertOpen(loan);
    const notifications = await notifyBorrower(tx, loan, {
      kind: manualReminderKind(loan, now),
      occurrence: `manual:${randomUUID()}`,
      now,
      context: { manual: true, requestedBy: caller.name },
      recordSkipped: true,
    });
    return { loan, notifications, reminders: await remindersOf(tx, loan.id) };
  });
}
