import type { DurationClass, ReminderKind } from '@rappel/contracts';
import { classifyDuration } from './duration-class';
import { atLocalTimeDaysFrom, localDateOf, localDateTimeToInstant } from './local-time';
import type { ReminderPolicy } from './reminder-policy';

export interface PlannedReminder {
  kind: ReminderKind;
  /** 1 for pre-due kinds; 1..overdueMaxAlerts for overdue alerts. */
  occurrence: number;
  fireAt: Date;
}

export interface PlanInput {
  startsAt: Date;
  dueAt: Date;
  /** When the plan is made: reminders before this instant are left out. */
  now: Date;
}

const MINUTE_MS = 60_000;

function preDueReminders(
  durationClass: DurationClass,
  dueAt: Date,
  policy: ReminderPolicy,
): PlannedReminder[] {
  switch (durationClass) {
    case 'short':
      return [];
    case 'medium':
      return [
        {
          kind: 'reminder_2h',
          occurrence: 1,
          fireAt: new Date(dueAt.getTime() - policy.twoHourMinutesBefore * MINUTE_MS),
        },
      ];
    case 'long':
      return [
        {
          kind: 'reminder_d2',
          occurrence: 1,
          fireAt: atLocalTimeDaysFrom(dueAt, -2, policy.d2Time, policy.zone),
        },
        {
          kind: 'reminder_d1',
          occurrence: 1,
          fireAt: atLocalTimeDaysFrom(dueAt, -1, policy.d1Time, policy.zone),
        },
        {
          kind: 'reminder_due_day',
          occurrence: 1,
          fireAt: localDateTimeToInstant(localDateOf(dueAt, policy.zone), policy.dueDayTime, policy.zone),
        },
      ];
  }
}

/**
 * Overdue alerts: the first at due + overdueFirstMinutesAfter, then one a day at
 * overdueDailyTime starting the local day after the first, overdueMaxAlerts in all.
 */
export function overdueAlerts(dueAt: Date, policy: ReminderPolicy): PlannedReminder[] {
  const first = new Date(dueAt.getTime() + policy.overdueFirstMinutesAfter * MINUTE_MS);
  const alerts: PlannedReminder[] = [{ kind: 'overdue', occurrence: 1, fireAt: first }];
  for (let n = 2; n <= policy.overdueMaxAlerts; n++) {
    alerts.push({
      kind: 'overdue',
      occurrence: n,
      fireAt: atLocalTimeDaysFrom(first, n - 1, policy.overdueDailyTime, policy.zone),
    });
  }
  return alerts;
}

/**
 * A loan's whole reminder plan, ordered by time. Pre-due reminders must fall strictly
 * after the loan starts and strictly before it is due; anything before `now` is left out
 * (a reminder whose time has passed when the plan is made is not sent).
 */
export function planReminders(input: PlanInput, policy: ReminderPolicy): PlannedReminder[] {
  const { startsAt, dueAt, now } = input;
  const start = startsAt.getTime();
  const due = dueAt.getTime();
  const preDue = preDueReminders(classifyDuration(startsAt, dueAt), dueAt, policy).filter(
    (r) => r.fireAt.getTime() > start && r.fireAt.getTime() < due,
  );
  return [...preDue, ...overdueAlerts(dueAt, policy)]
    .filter((r) => r.fireAt.getTime() >= now.getTime())
    .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime());
}
