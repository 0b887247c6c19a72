import { loans, users } from '@rappel/db';
import { classifyDuration } from '@rappel/domain';
import { eq } from 'drizzle-orm';
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
      // Independent reads, sent at once: postgres.js pipelines them on the transaction's
      // connection, one round trip instead of three (the create path is the API's hot path).
      // "Already on loan" is not read here: the partial unique index decides it at the insert,
      // under concurrency too, and its violation becomes the 409 below.
      const [item, borrowerRow, [responsible]] = await Promise.all([
        visibleItem(tx, caller, body.itemId),
        body.clientId ? visibleClient(tx, caller, body.clientId) : visibleRoom(tx, caller, body.roomId!),
        tx.select().from(users).where(eq(users.id, body.responsibleUserId)),
      ]);
      if (!item.active) throw new Conflict.itemInactive();
      const departmentId = item.departmentId;
      const borrower = { field: body.clientId ? 'clientId' : 'roomId', row: borrowerRow };
      if (borrower.row.departmentId !== departmentId) {
        throw new FieldValidationError(borrower.field, 'field.department_mismatch');
      }
      if (!responsible?.active || responsible.departmentId !== departmentId) {
        throw new FieldValidationError('responsibleUserId', 'field.not_department_staff');
      }

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
      const [reminders, notifications] = await Promise.all([
        writePlan(tx, loan!, now, ctx.policy),
        notifyBorrower(tx, loan!, { kind: 'loan_created', occurrence: '1', now, recordSkipped: false }),
      ]);
      return { loan: loan!, notifications, reminders };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'loans_one_open_per_item')) throw new Conflict.itemAlreadyOnLoan();
    throw error;
  }
}
