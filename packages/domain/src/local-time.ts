import { DateTime } from 'luxon';
import { cachedZone } from './cached-zone';

export class InvalidLocalDateError extends Error {
  override readonly name = 'InvalidLocalDateError';
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const parseHhMm = (time: string): { hour: number; minute: number } => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new InvalidLocalDateError(`"${time}" is not a time of day (HH:MM)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
};

/**
 * A calendar date as the UTC milliseconds of its midnight: date arithmetic does not depend on any
 * zone's offsets. (Plain arithmetic: a reminder plan makes ~30 of these, and through luxon they
 * were most of its cost.)
 */
const parseCalendarDate = (date: string): number => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const ms = new Date(0).setUTCFullYear(year, month - 1, day);
  // 2026-02-30 would roll over to March: the fields must come back as written.
  if (!match || formatCalendarDate(ms) !== date) {
    throw new InvalidLocalDateError(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  }
  return ms;
};

/** "YYYY-MM-DD" of the UTC day of `ms` (years 0–9999; luxon's extended form beyond). */
const formatCalendarDate = (ms: number): string => {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return DateTime.fromMillis(ms, { zone: 'utc' }).toISODate()!;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/**
 * The instant of a local date ("2026-12-04") at a local time ("10:00") in `zone`.
 * A time that does not exist on that day (a daylight-saving gap) moves forward by the gap,
 * as clocks do; an ambiguous one (the repeated hour) takes the earlier instant.
 * Throws InvalidLocalDateError for a malformed date or time, RangeError for an unknown zone.
 */
export function localDateTimeToInstant(date: string, time: string, zone: string): Date {
  const { hour, minute } = parseHhMm(time);
  const tz = cachedZone(zone);
  // The wall-clock reading written as if it were UTC; the instant is wall − offset, for an
  // offset the zone really has at that instant. Offsets around it (± a day) are the candidates.
  const wall = parseCalendarDate(date) + hour * 3_600_000 + minute * MINUTE_MS;
  const offsets = [...new Set([wall - DAY_MS, wall + DAY_MS].map((t) => tz.offset(t)))];
  if (offsets.length === 1) return new Date(wall - offsets[0]! * MINUTE_MS); // no change that day
  const candidates = offsets.map((offset) => ({ offset, instant: wall - offset * MINUTE_MS }));
  const real = candidates.filter((c) => tz.offset(c.instant) === c.offset).map((c) => c.instant);
  if (real.length > 0) return new Date(Math.min(...real));
  // In a gap: read the wall time with the offset before the change, which lands after it.
  return new Date(wall - Math.min(...offsets) * MINUTE_MS);
}

/**
 * The wall clock of `instant` in `zone`, as the UTC fields of a Date: arithmetic on the zone's
 * offset (cached per hour by cachedZone), where luxon and Intl cost ~0.1 ms per instant.
 */
export function wallClock(instant: Date, zone: string): Date {
  const ms = instant.getTime();
  return new Date(ms + cachedZone(zone).offset(ms) * MINUTE_MS);
}

/** The local calendar date ("YYYY-MM-DD") of an instant in `zone`. */
export function localDateOf(instant: Date, zone: string): string {
  const local = wallClock(instant, zone).getTime();
  if (Number.isNaN(local)) throw new RangeError('not a valid instant');
  return formatCalendarDate(local);
}

/** The local calendar day of `instant` in `zone`, as a day number (days since 1970-01-01). */
export const localDayNumber = (instant: Date, zone: string): number =>
  Math.floor(wallClock(instant, zone).getTime() / DAY_MS);

/** Adds whole calendar days to a local date (calendar arithmetic: the same in every zone). */
export function addLocalDays(date: string, days: number, zone: string): string {
  cachedZone(zone); // validates it
  return formatCalendarDate(parseCalendarDate(date) + days * DAY_MS);
}

/** The instant at local `time` on the local day `days` after (negative: before) `instant`'s day. */
export function atLocalTimeDaysFrom(instant: Date, days: number, time: string, zone: string): Date {
  return localDateTimeToInstant(addLocalDays(localDateOf(instant, zone), days, zone), time, zone);
}
