import { localDayNumber } from '@rappel/domain';

/**
 * Local days from `now` to a due instant still ahead, in the site zone: 0 on the due day,
 * 1 the day before, and so on; null once it has passed. A reminder is worded from this at the
 * moment it is rendered, never from its kind: a reminder may go out late (a retry, a backlog)
 * or by hand (a desk's manual reminder is `reminder_due_day` for any long loan not yet due).
 */
export function localDaysUntilDue(now: Date, dueAt: Date, zone: string): number | null {
  if (dueAt.getTime() <= now.getTime()) return null;
  return localDayNumber(dueAt, zone) - localDayNumber(now, zone);
}
