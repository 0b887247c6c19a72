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

/**
 * Moves the return: a new loan version, the old plan's pending reminders cancelled (and a
 * reminder of an old version cannot fire anyway), a new plan made now, the class recomputed.
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
    const reminders = await writePlan(tx, loan!, now, ctx.policy);
    return { loan: loan!, notifications: [], reminders };
  });
}
