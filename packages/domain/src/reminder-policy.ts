/**
 * The site's reminder policy (DESIGN.md, "Reminder policy"). Wall-clock times are "HH:MM"
 * in `zone`; durations are in minutes.
 */
export interface ReminderPolicy {
  /** IANA zone of the site, e.g. "Africa/Libreville". */
  zone: string;
  /** Return time given to a loan that only has a return date. */
  defaultReturnTime: string;
  d2Time: string;
  d1Time: string;
  dueDayTime: string;
  /** `reminder_2h` fires this many minutes before due. */
  twoHourMinutesBefore: number;
  /** First overdue alert, minutes after due. */
  overdueFirstMinutesAfter: number;
  /** Later overdue alerts fire daily at this local time. */
  overdueDailyTime: string;
  /** Overdue alerts in all, the first included. */
  overdueMaxAlerts: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = Object.freeze({
  zone: 'Africa/Libreville',
  defaultReturnTime: '10:00',
  d2Time: '09:00',
  d1Time: '09:00',
  dueDayTime: '08:00',
  twoHourMinutesBefore: 120,
  overdueFirstMinutesAfter: 30,
  overdueDailyTime: '10:00',
  overdueMaxAlerts: 7,
});

/** The policy from parsed config (field names as in @rappel/config's reminderPolicyEnvSchema). */
export function reminderPolicyFromConfig(config: {
  APP_TIMEZONE: string;
  DEFAULT_RETURN_TIME: string;
  REMINDER_D2_TIME: string;
  REMINDER_D1_TIME: string;
  REMINDER_DUE_DAY_TIME: string;
  REMINDER_2H_MINUTES_BEFORE: number;
  OVERDUE_FIRST_MINUTES_AFTER: number;
  OVERDUE_DAILY_TIME: string;
  OVERDUE_MAX_ALERTS: number;
}): ReminderPolicy {
  return Object.freeze({
    zone: config.APP_TIMEZONE,
    defaultReturnTime: config.DEFAULT_RETURN_TIME,
    d2Time: config.REMINDER_D2_TIME,
    d1Time: config.REMINDER_D1_TIME,
    dueDayTime: config.REMINDER_DUE_DAY_TIME,
    twoHourMinutesBefore: config.REMINDER_2H_MINUTES_BEFORE,
    overdueFirstMinutesAfter: config.OVERDUE_FIRST_MINUTES_AFTER,
    overdueDailyTime: config.OVERDUE_DAILY_TIME,
    overdueMaxAlerts: config.OVERDUE_MAX_ALERTS,
  });
}
