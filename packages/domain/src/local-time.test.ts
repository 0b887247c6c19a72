import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  atLocalTimeDaysFrom,
  InvalidLocalDateError,
  localDateOf,
  localDateTimeToInstant,
  localDayNumber,
} from './local-time';

const iso = (d: Date) => d.toISOString();

describe('localDateTimeToInstant', () => {
  it('reads a wall-clock time in the zone', () => {
    expect(iso(localDateTimeToInstant('2026-12-04', '10:00', 'Africa/Libreville'))).toBe(
      '2026-12-04T09:00:00.000Z',
    );
    expect(iso(localDateTimeToInstant('2026-12-04', '10:00', 'Asia/Kolkata'))).toBe(
      '2026-12-04T04:30:00.000Z',
    );
    expect(iso(localDateTimeToInstant('2026-12-04', '00:00', 'Pacific/Auckland'))).toBe(
      '2026-12-03T11:00:00.000Z',
    );
    expect(iso(localDateTimeToInstant('2028-02-29', '23:59', 'America/New_York'))).toBe(
      '2028-03-01T04:59:00.000Z',
    );
  });

  it.each([
    // [zone, date, time in the gap, expected instant = the same wall time read after the change]
    ['Europe/Paris', '2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'], // 03:30 CEST
    ['Europe/Paris', '2026-03-29', '02:00', '2026-03-29T01:00:00.000Z'], // 03:00 CEST
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:30:00.000Z'], // 03:30 EDT
    ['Pacific/Auckland', '2026-09-27', '02:30', '2026-09-26T14:30:00.000Z'], // 03:30 NZDT
    ['America/Santiago', '2026-09-06', '00:30', '2026-09-06T04:30:00.000Z'], // gap at midnight
  ])('a time inside the spring gap (%s %s %s) moves forward by the gap', (zone, date, time, expected) => {
    expect(iso(localDateTimeToInstant(date, time, zone))).toBe(expected);
  });

  it.each([
    ['Europe/Paris', '2026-10-25', '02:30', '2026-10-25T00:30:00.000Z'], // 02:30 CEST, not CET
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00.000Z'], // EDT, not EST
    ['Pacific/Auckland', '2026-04-05', '02:30', '2026-04-04T13:30:00.000Z'], // NZDT, not NZST
    // Cuba repeats 00:00–01:00: the day's own midnight is ambiguous too.
    ['America/Havana', '2026-11-01', '00:00', '2026-11-01T04:00:00.000Z'],
    ['America/Havana', '2026-11-01', '00:30', '2026-11-01T04:30:00.000Z'],
  ])('a repeated time (%s %s %s) takes the earlier instant', (zone, date, time, expected) => {
    expect(iso(localDateTimeToInstant(date, time, zone))).toBe(expected);
  });

  it('the first time after a change is unambiguous', () => {
    expect(iso(localDateTimeToInstant('2026-10-25', '03:00', 'Europe/Paris'))).toBe(
      '2026-10-25T02:00:00.000Z',
    );
    expect(iso(localDateTimeToInstant('2026-03-29', '03:00', 'Europe/Paris'))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it.each(['2026-02-30', '2026-13-01', '04/12/2026', '2026-12-4', '2026-12-04T10:00', '', 'demain'])(
    'refuses the date %j',
    (date) => {
      expect(() => localDateTimeToInstant(date, '10:00', 'Africa/Libreville')).toThrow(InvalidLocalDateError);
    },
  );

  it.each(['9:00', '24:00', '10:60', '10h00', '10:00:00', '', ' 10:00'])('refuses the time %j', (time) => {
    expect(() => localDateTimeToInstant('2026-12-04', time, 'Africa/Libreville')).toThrow(
      InvalidLocalDateError,
    );
  });

  it('an unknown zone is a configuration error, not a bad date', () => {
    expect(() => localDateTimeToInstant('2026-12-04', '10:00', 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDateOf(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('localDateOf', () => {
  it('is the calendar date in the zone, not in UTC', () => {
    const instant = new Date('2026-12-03T23:30:00Z'); // 00:30 on the 4th in Libreville
    expect(localDateOf(instant, 'Africa/Libreville')).toBe('2026-12-04');
    expect(localDateOf(instant, 'America/New_York')).toBe('2026-12-03');
    expect(localDateOf(instant, 'Pacific/Auckland')).toBe('2026-12-04');
  });

  it('refuses an invalid instant', () => {
    expect(() => localDateOf(new Date(Number.NaN), 'Africa/Libreville')).toThrow(RangeError);
  });
});

describe('addLocalDays', () => {
  it('is calendar arithmetic across months, years, leap days and daylight-saving changes', () => {
    expect(addLocalDays('2026-12-31', 1, 'Africa/Libreville')).toBe('2027-01-01');
    expect(addLocalDays('2028-02-28', 1, 'Europe/Paris')).toBe('2028-02-29');
    expect(addLocalDays('2026-03-01', -1, 'Europe/Paris')).toBe('2026-02-28');
    expect(addLocalDays('2026-03-28', 2, 'Europe/Paris')).toBe('2026-03-30');
    expect(addLocalDays('2026-10-26', -2, 'Europe/Paris')).toBe('2026-10-24');
    expect(addLocalDays('2026-09-05', 1, 'America/Santiago')).toBe('2026-09-06');
    expect(addLocalDays('2026-12-04', 0, 'Asia/Kolkata')).toBe('2026-12-04');
  });
});

describe('calendar dates without luxon', () => {
  const zones = [
    'Africa/Libreville',
    'Europe/Paris',
    'America/Santiago',
    'Pacific/Chatham',
    'Asia/Kathmandu',
  ];

  it('agree with luxon on the local date of any instant and on adding days', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0100-01-01T00:00:00Z'),
          max: new Date('9990-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        fc.integer({ min: -400, max: 400 }),
        (instant, zone, days) => {
          const local = DateTime.fromJSDate(instant, { zone });
          expect(localDateOf(instant, zone)).toBe(local.toISODate());
          expect(localDayNumber(instant, zone)).toBe(
            Math.round(local.startOf('day').setZone('UTC', { keepLocalTime: true }).toMillis() / 86_400_000),
          );
          expect(addLocalDays(local.toISODate()!, days, zone)).toBe(local.plus({ days }).toISODate());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses dates that do not exist and keeps the extreme years as luxon wrote them', () => {
    for (const bad of [
      '2026-02-30',
      '2023-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-12-32',
      '2026-1-01',
      '26-12-01',
    ])
      expect(() => addLocalDays(bad, 1, 'Europe/Paris'), bad).toThrow(InvalidLocalDateError);
    expect(addLocalDays('2024-02-29', 0, 'Europe/Paris')).toBe('2024-02-29');
    expect(addLocalDays('0001-01-01', -1, 'Europe/Paris')).toBe('0000-12-31');
    expect(addLocalDays('9999-12-31', 1, 'Europe/Paris')).toBe('+010000-01-01');
    expect(localDateOf(new Date('9999-12-31T23:30:00Z'), 'Pacific/Chatham')).toBe(
      DateTime.fromISO('9999-12-31T23:30:00Z').setZone('Pacific/Chatham').toISODate(),
    );
  });
});

describe('atLocalTimeDaysFrom', () => {
  it('lands at the local time on the local day, whatever the offset did in between', () => {
    const due = new Date('2026-03-30T10:00:00+02:00');
    expect(iso(atLocalTimeDaysFrom(due, -2, '09:00', 'Europe/Paris'))).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(atLocalTimeDaysFrom(due, -1, '09:00', 'Europe/Paris'))).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(atLocalTimeDaysFrom(due, 0, '08:00', 'Europe/Paris'))).toBe('2026-03-30T06:00:00.000Z');
  });

  it('counts days from the local date of the instant', () => {
    const lateEvening = new Date('2026-12-03T23:30:00Z'); // 2026-12-04 00:30 in Libreville
    expect(iso(atLocalTimeDaysFrom(lateEvening, -1, '09:00', 'Africa/Libreville'))).toBe(
      '2026-12-03T08:00:00.000Z',
    );
  });
});
