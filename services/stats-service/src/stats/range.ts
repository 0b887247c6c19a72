import { DateTime } from 'luxon';
import { z } from 'zod';
import { ValidationFailed } from '../errors';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

/** A range of local days (APP_TIMEZONE), both ends included. */
export interface DayRange {
  from: string;
  to: string;
}

export const rangeQuerySchema = z.object({ from: isoDate.optional(), to: isoDate.optional() });

/**
 * Default: the last 30 days up to today in the site's zone. At most 400 days. Throws
 * ValidationFailed naming the parameter at fault (`to` not a day; else `from`).
 */
export function resolveRange(input: { from?: string; to?: string }, zone: string, now: Date): DayRange {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const to = input.to ? DateTime.fromISO(input.to, { zone }) : today;
  if (!to.isValid) throw new ValidationFailed('to');
  const from = input.from ? DateTime.fromISO(input.from, { zone }) : to.minus({ days: 29 });
  if (!from.isValid || from > to || to.diff(from, 'days').days > 400) throw new ValidationFailed('from');
  return { from: from.toISODate()!, to: to.toISODate()! };
}

/** The instants that bound a day range: [start of `from`, start of the day after `to`). */
export function rangeInstants(range: DayRange, zone: string): { start: Date; end: Date } {
  return {
    start: DateTime.fromISO(range.from, { zone }).toJSDate(),
    end: DateTime.fromISO(range.to, { zone }).plus({ days: 1 }).toJSDate(),
  };
}

export function eachDay(range: DayRange): string[] {
  const days: string[] = [];
  let day = DateTime.fromISO(range.from, { zone: 'UTC' });
  const last = DateTime.fromISO(range.to, { zone: 'UTC' });
  while (day <= last) {
    days.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return days;
}

/**
 * A range cut into the calendar months it holds whole (read from the monthly rollups) and the
 * days left at either end (read from the daily rollups): at most two pieces, each shorter than
 * a month. `months` is null when no month lies whole inside the range (then the one piece is
 * the range, under two months); its `to` is the last whole month's last day.
 */
export interface MonthSplit {
  months: DayRange | null;
  days: DayRange[];
}

/** The range's `MonthSplit`. */
export function splitByMonth(range: DayRange): MonthSplit {
  const from = DateTime.fromISO(range.from, { zone: 'UTC' });
  const to = DateTime.fromISO(range.to, { zone: 'UTC' });
  const firstWhole = from.day === 1 ? from : from.plus({ months: 1 }).startOf('month');
  const lastWhole = to.plus({ days: 1 }).day === 1 ? to : to.startOf('month').minus({ days: 1 });
  if (firstWhole > lastWhole) return { months: null, days: [range] };
  const days: DayRange[] = [];
  if (from < firstWhole) days.push({ from: range.from, to: firstWhole.minus({ days: 1 }).toISODate()! });
  if (lastWhole < to) days.push({ from: lastWhole.plus({ days: 1 }).toISODate()!, to: range.to });
  return { months: { from: firstWhole.toISODate()!, to: lastWhole.toISODate()! }, days };
}
