import { randomUUID } from 'node:crypto';
import { insertTogether, loans, scheduledReminders } from '@rappel/db';
import { classifyDuration } from '@rappel/domain';
import { insertedNotifications, notificationInsert } from '@rappel/outbox';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { Conflict, FieldValidationError } from '../http/errors';
import { isUniqueViolation } from '../http/pg-errors';
import { visibleLoanParties } from '../lookups';
import { checkDue, dueFromBody } from './due-input';
import { type LoanEffects, publishEffects } from './loan-effects';
import type { CreateLoanBody } from './loans.schemas';
import { borrowerMessageRows } from './notify-borrower';
import { planRows } from './reminder-plan-rows';

/**
 * Lends an item to a client or a room. In one statement: the loan, its reminder plan
 * (version 1) and a `loan_created` message per channel the borrower has on; published once
 * written. At most one open loan per item: the partial unique index decides under concurrency.
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

  // What the loan names, read in one statement before the insert (committed rows, as a read
  // inside a READ COMMITTED transaction would see them). "Already on loan" is not read here:
  // the partial unique index decides it at the insert, under concurrency too (the 409 below).
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

  // Every row is known beforehand (the loan's id is ours), so the loan, its plan and its
  // messages go in as one statement: all or nothing, one round trip, no BEGIN and COMMIT.
  const loanRow = {
    id: randomUUID(),
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
  };
  const messages = borrowerMessageRows(loanRow, recipient, {
    kind: 'loan_created',
    occurrence: '1',
    now,
    recordSkipped: false,
  });
  try {
    const inserted = await insertTogether(ctx.db, {
      loan: { table: loans, rows: [loanRow] },
      reminders: { table: scheduledReminders, rows: planRows(loanRow, now, ctx.policy) },
      notifications: notificationInsert(messages),
    });
    return await publishEffects(ctx, {
      loan: inserted.loan[0]!,
      reminders: inserted.reminders,
      notifications: insertedNotifications(inserted.notifications),
    });
  } catch (error) {
    if (isUniqueViolation(error, 'loans_one_open_per_item')) throw new Conflict.itemAlreadyOnLoan();
    throw error;
  }
}
