import { loans, users } from '@rappel/db';
import { classifyDuration } from '@rappel/domain';
import { and, eq, isNull } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { Conflict, FieldValidationError } from '../http/errors';
import { isUniqueViolation } from '../http/pg-errors';
import { visibleClient, visibleItem, visibleRoom } from '../lookups';
import { checkDue, dueFromBody } from './due-input';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import type { CreateLoanBody } from './loans.schemas';
import { notifyBorrower } from './notify-borrower';
import { writePlan } from './reminder-plan-rows';

/**
 * Lends an item to a client or a room. In one transaction: the loan, its reminder plan
 * (version 1) and a `loan_created` message per channel the borrower has on; published after
 * commit. At most one open loan per item: the partial unique index decides under concurrency.
 */
export async function createLoan(
  ctx: ServiceContext,
  caller: Caller,
  body: CreateLoanBody,
): Promise<LoanEffects> {
  const now = ctx.clock.now();
  if (Boolean(body.clientId) === Boolean(body.roomId)) {
    throw new FieldValidationError(body.clientId ? 'roomId' : 'clientId', 'field.borrower_exactly_one');
  }
  const due = dueFromBody(body, ctx.policy);
  const startsAt = body.startsAt ? new Date(body.startsAt) : now;
  checkDue(due, startsAt, now);

  try {
    return await commitAndPublish(ctx, async (tx) => {
      const item = await visibleItem(tx, caller, body.itemId);
      if (!item.active) throw new Conflict.itemInactive();
      const departmentId = item.departmentId;
      const borrower = body.clientId
        ? { field: 'clientId', row: await visibleClient(tx, caller, body.clientId) }
        : { field: 'roomId', row: await visibleRoom(tx, caller, body.roomId!) };
      if (borrower.row.departmentId !== departmentId) {
        throw new FieldValidationError(borrower.field, 'field.department_mismatch');
      }
      const [responsible] = await tx.select().from(users).where(eq(users.id, body.responsibleUserId));
      if (!responsible?.active || responsible.departmentId !== departmentId) {
        throw new FieldValidationError('responsibleUserId', 'field.not_department_staff');
      }
      const [open] = await tx
        .select({ id: loans.id })
        .from(loans)
        .where(and(eq(loans.itemId, item.id), isNull(loans.returnedAt), isNull(loans.cancelledAt)));
      if (open) throw new Conflict.itemAlreadyOnLoan();

      const [loan] = await tx
        .insert(loans)
        .values({
          itemId: item.id,
          clientId: body.clientId ?? null,
          roomId: body.roomId ?? null,
          responsibleUserId: responsible.id,
          departmentId,
          startsAt,
          dueAt: due.dueAt,
          durationClass: classifyDuration(startsAt, due.dueAt),
          version: 1,
          notes: body.notes ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const reminders = await writePlan(tx, loan!, now, ctx.policy);
      const notifications = await notifyBorrower(tx, loan!, {
        kind: 'loan_created',
        occurrence: '1',
        now,
        recordSkipped: false,
      });
      return { loan: loan!, notifications, reminders };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'loans_one_open_per_item')) throw new Conflict.itemAlreadyOnLoan();
    throw error;
  }
}
