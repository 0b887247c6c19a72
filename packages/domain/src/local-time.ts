import { DateTime } from 'luxon';

export class InvalidLocalDateError extends Error {
  override readonly name = 'InvalidLocalDateError';
}

const parseHhMm = (time: string): { hour: number; minute: number } => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new InvalidLocalDateError(`"${time}" is not a time of day (HH:MM)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
};

/**
 * The instant of a local date ("2026-12-04") at a local time ("10:00") in `zone`.
 * A time that does not exist on that day (a daylight-saving gap) moves forward by the gap,
 * as clocks do; an ambiguous one (the repeated hour) takes the earlier instant.
 */
export function localDateTimeToInstant(date: string, time: string, zone: string): Date {
  const { hour, minute } = parseHhMm(time);
  const day = DateTime.fromISO(date, { zone });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new InvalidLocalDateError(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  }
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

/** The local calendar date ("YYYY-MM-DD") of an instant in `zone`. */
export function localDateOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/** Adds whole calendar days to a local date. */
export function addLocalDays(date: string, days: number, zone: string): string {
  return DateTime.fromISO(date, { zone }).plus({ days }).toISODate()!;
}

/** The instant at local `time` on the local day `days` after (negative: before) `instant`'s day. */
export function atLocalTimeDaysFrom(instant: Date, days: number, time: string, zone: string): Date {
  return localDateTimeToInstant(addLocalDays(localDateOf(instant, zone), days, zone), time, zone);
}
