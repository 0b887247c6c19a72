import { DUE_DATE_KINDS } from '@rappel/contracts';
import { loans } from '@rappel/db';
import { classifyDuration } from '@rappel/domain';
import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { checkDue, dueFromBody } from './due-input';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import type { DueBody } from './loans.schemas';
import { assertOpen, lockLoan } from './lock-loan';
import { cancelScheduledReminders, writePlan } from './reminder-plan-rows';
import { withdrawUnsent } from './withdraw-unsent';

/**
 * Moves the return: a new loan version, the old plan's pending reminders cancelled (and a
 * reminder of an old version cannot fire anyway), a new plan made now, the class recomputed.
 * The messages already made from the old due date and not yet sent (the plan's reminders,
 * overdue alerts and escalations, manual reminders) are `skipped` as `superseded`, and
 * returned: they would be rendered with the new date ("overdue" to a guest who just extended).
 */
export function changeDueDate(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: DueBody,
): Promise<LoanEffects> {
  const due = dueFromBody(body, ctx.policy);
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.clock.now();
    const current = await lockLoan(tx, caller, id);
    assertOpen(current);
    checkDue(due, current.startsAt, now);
    const [loan] = await tx
      .update(loans)
      .set({
        dueAt: due.dueAt,
        durationClass: classifyDuration(current.startsAt, due.dueAt),
        version: current.version + 1,
        updatedAt: now,
      })
      .where(eq(loans.id, current.id))
      .returning();
    await cancelScheduledReminders(tx, loan!.id);
    // Every unsent message of these kinds was made from an older version: the new plan fires
    // nothing before this transaction commits.
    const notifications = await withdrawUnsent(tx, loan!.id, now, {
      status: 'skipped',
      reason: 'superseded',
      kinds: DUE_DATE_KINDS,
    });
    const reminders = await writePlan(tx, loan!, now, ctx.policy);
    return { loan: loan!, notifications, reminders };
  });
}
