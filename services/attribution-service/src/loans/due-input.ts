import { InvalidLocalDateError, type ReminderPolicy, resolveDueAt } from '@rappel/domain';
import { FieldValidationError } from '../http/errors';
import type { DueBody } from './loans.schemas';

/** The due instant of a request, and the field to blame if it is unacceptable. */
export function dueFromBody(
  body: DueBody,
  policy: ReminderPolicy,
): { dueAt: Date; field: 'dueAt' | 'dueDate' } {
  if (body.dueAt !== undefined) {
    if (body.dueDate !== undefined) throw new FieldValidationError('dueDate', 'field.due_exactly_one');
    if (body.dueTime !== undefined) throw new FieldValidationError('dueTime', 'field.due_time_without_date');
    return { dueAt: resolveDueAt({ dueAt: new Date(body.dueAt) }, policy), field: 'dueAt' };
  }
  if (body.dueDate === undefined) throw new FieldValidationError('dueAt', 'field.due_exactly_one');
  try {
    return {
      dueAt: resolveDueAt({ dueDate: body.dueDate, dueTime: body.dueTime }, policy),
      field: 'dueDate',
    };
  } catch (error) {
    if (error instanceof InvalidLocalDateError)
      throw new FieldValidationError('dueDate', 'field.invalid_date');
    throw error;
  }
}

/**
 * Latest accepted due instant. The plan's overdue alerts fall days after the due date, and a
 * local date past 9999-12-31 cannot be written, so a due near year 9999 would fail with a 500.
 */
const LATEST_DUE = Date.UTC(9000, 0, 1);

/** A due instant must come after the start and after now, and before LATEST_DUE. */
export function checkDue(due: { dueAt: Date; field: string }, startsAt: Date, now: Date): void {
  if (due.dueAt.getTime() <= startsAt.getTime())
    throw new FieldValidationError(due.field, 'field.due_before_start');
  if (due.dueAt.getTime() <= now.getTime()) throw new FieldValidationError(due.field, 'field.due_in_past');
  if (due.dueAt.getTime() >= LATEST_DUE) throw new FieldValidationError(due.field, 'field.due_too_far');
}
