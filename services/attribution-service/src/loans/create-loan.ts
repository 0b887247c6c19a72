import { randomUUID } from 'node:crypto';
import { insertTogether, loans, scheduledReminders } from '@rappel/db';
import { classifyDuration, planReminders } from '@rappel/domain';
import { insertedNotifications, notificationInsert, notificationRowsFor, toPublish } from '@rappel/outbox';
import type { Caller } from '../auth/api-keys';
import type { ServiceContext } from '../context';
import { Conflict, FieldValidationError } from '../http/errors';
import { isUniqueViolation } from '../http/pg-errors';
import { visibleLoanParties } from '../lookups';
import { checkDue, dueFromBody } from './due-input';
import type { LoanEffects } from './loan-effects';
import type { CreateLoanBody } from './loans.schemas';

/**
 * Lends an item to a client or a room. In one statement: the loan, its reminder plan
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

  // What the loan names, read in one statement before the insert (committed rows, as a read
  // inside a READ COMMITTED transaction would see them). "Already on loan" is not read here: the partial unique
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

  // Every row is known beforehand (the loan's id is ours), so the loan, its plan and its
  // messages go in as one statement: all or nothing, one round trip, no BEGIN and COMMIT.
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
  const loanRow = {
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
  };
  try {
    const inserted = await insertTogether(ctx.db, {
      loan: { table: loans, rows: [loanRow] },
      reminders: { table: scheduledReminders, rows: plan },
      notifications: notificationInsert(messages),
    });
    const effects = {
      loan: inserted.loan[0]!,
      reminders: inserted.reminders,
      notifications: insertedNotifications(inserted.notifications),
    };
    await ctx.publisher.publishAfterCommit(toPublish(effects.notifications));
    return effects;
  } catch (error) {
    if (isUniqueViolation(error, 'loans_one_open_per_item')) throw new Conflict.itemAlreadyOnLoan();
    throw error;
  }
}
