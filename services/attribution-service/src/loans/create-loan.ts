import { randomUUID } from 'node:crypto';
import { insertMany, loans, scheduledReminders } from '@rappel/db';
import { classifyDuration, planReminders } from '@rappel/domain';
import { insertNotifications, notificationRowsFor } from '@rappel/outbox';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { Conflict, FieldValidationError } from '../http/errors';
import { isUniqueViolation } from '../http/pg-errors';
import { visibleLoanParties } from '../lookups';
import { checkDue, dueFromBody } from './due-input';
import { commitAndPublish, type LoanEffects } from './loan-effects';
import type { CreateLoanBody } from './loans.schemas';

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

  // What the loan names, read in one statement before the transaction (reads of committed rows,
  // as inside it at READ COMMITTED). "Already on loan" is not read here: the partial unique
  // index decides it at the insert, under concurrency too, and its violation is the 409 below.
  const { item, borrowerRow, responsible, recipient } = await visibleLoanParties(ctx.db, caller, body);
  if (!item.active) throw new Conflict.itemInactive();
  const departmentId = item.departmentId;
  if (borrowerRow.departmentId !== departmentId) {
    throw new FieldValidationError(body.clientId ? 'clientId' : 'roomId', 'field.department_mismatch');
  }
  if (!responsible?.active || responsible.departmentId !== departmentId) {
    throw new FieldValidationError('responsibleUserId', 'field.not_department_staff');
  }
  if (!recipient) throw new Error(`loan of item ${item.id} has no borrower`);

  // Every row is known before the transaction (the loan's id is ours): after the loan, which
  // their foreign keys need first, the plan and the messages go in at once (pipelined on the
  // transaction's connection).
  const loanId = randomUUID();
  const durationClass = classifyDuration(startsAt, due.dueAt);
  const plan = planReminders({ startsAt, dueAt: due.dueAt, now }, ctx.policy).map((r) => ({
    ...r,
    loanId,
    loanVersion: 1,
  }));
  const messages = notificationRowsFor(
    { kind: 'loan_created', departmentId, loanId, occurrence: '1', durationClass, scheduledAt: now },
    recipient,
    { recordSkipped: false },
  );
  try {
    return await commitAndPublish(ctx, async (tx) => {
      const [loan] = await tx
        .insert(loans)
        .values({
          id: loanId,
          itemId: item.id,
          clientId: body.clientId ?? null,
          roomId: body.roomId ?? null,
          responsibleUserId: responsible.id,
          departmentId,
          startsAt,
          dueAt: due.dueAt,
          durationClass,
          version: 1,
          notes: body.notes ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const [reminders, notifications] = await Promise.all([
        plan.length > 0 ? insertMany(tx, scheduledReminders, plan) : [],
        insertNotifications(tx, messages),
      ]);
      return { loan: loan!, notifications, reminders };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'loans_one_open_per_item')) throw new Conflict.itemAlreadyOnLoan();
    throw error;
  }
}
