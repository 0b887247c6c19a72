import { localDateTimeToInstant } from './local-time';
import type { ReminderPolicy } from './reminder-policy';

/** How a desk gives a return: an instant, or a local date with an optional local time. */
export type DueInput = { dueAt: Date } | { dueDate: string; dueTime?: string | undefined };

/** The due instant; a date alone gets the site's default return time. */
export function resolveDueAt(
  input: DueInput,
  policy: Pick<ReminderPolicy, 'zone' | 'defaultReturnTime'>,
): Date {
  if ('dueAt' in input) return input.dueAt;
  return localDateTimeToInstant(input.dueDate, input.dueTime ?? policy.defaultReturnTime, policy.zone);
}
