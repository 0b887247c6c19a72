import { describe, expect, it } from 'vitest';
import { resolveDueAt } from './due-instant';
import { InvalidLocalDateError } from './local-time';
import { DEFAULT_REMINDER_POLICY } from './reminder-policy';

const libreville = DEFAULT_REMINDER_POLICY;
const paris = { ...DEFAULT_REMINDER_POLICY, zone: 'Europe/Paris' };

describe('resolveDueAt', () => {
  it('a date alone gets the default return time (10:00) in Africa/Libreville', () => {
    expect(resolveDueAt({ dueDate: '2026-12-04' }, libreville).toISOString()).toBe(
      '2026-12-04T09:00:00.000Z',
    );
    expect(resolveDueAt({ dueDate: '2026-12-04', dueTime: undefined }, libreville).toISOString()).toBe(
      '2026-12-04T09:00:00.000Z',
    );
  });

  it("uses the site's configured default return time", () => {
    expect(
      resolveDueAt({ dueDate: '2026-12-04' }, { ...libreville, defaultReturnTime: '12:30' }).toISOString(),
    ).toBe('2026-12-04T11:30:00.000Z');
  });

  it('a date with a time is that local time', () => {
    expect(resolveDueAt({ dueDate: '2026-12-04', dueTime: '18:30' }, libreville).toISOString()).toBe(
      '2026-12-04T17:30:00.000Z',
    );
    expect(resolveDueAt({ dueDate: '2026-12-04', dueTime: '00:00' }, libreville).toISOString()).toBe(
      '2026-12-03T23:00:00.000Z',
    );
  });

  it('an instant is taken as it is', () => {
    const dueAt = new Date('2026-12-04T15:45:12.345Z');
    expect(resolveDueAt({ dueAt }, libreville)).toEqual(dueAt);
  });

  it('Europe/Paris: the default time follows the offset of the day', () => {
    expect(resolveDueAt({ dueDate: '2026-03-28' }, paris).toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(resolveDueAt({ dueDate: '2026-03-29' }, paris).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(resolveDueAt({ dueDate: '2026-10-25' }, paris).toISOString()).toBe('2026-10-25T09:00:00.000Z');
  });

  it('Europe/Paris: 02:30 on 2026-03-29 does not exist and resolves forward to 03:30 CEST', () => {
    expect(resolveDueAt({ dueDate: '2026-03-29', dueTime: '02:30' }, paris).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('Europe/Paris: 02:30 on 2026-10-25 happens twice and resolves to the first (CEST)', () => {
    expect(resolveDueAt({ dueDate: '2026-10-25', dueTime: '02:30' }, paris).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('refuses a bad date or time with InvalidLocalDateError (the API maps it to a 400)', () => {
    expect(() => resolveDueAt({ dueDate: '2026-02-29' }, libreville)).toThrow(InvalidLocalDateError);
    expect(() => resolveDueAt({ dueDate: '2026-12-04', dueTime: '25:00' }, libreville)).toThrow(
      InvalidLocalDateError,
    );
    expect(() => resolveDueAt({ dueDate: '2026-12-04', dueTime: '' }, libreville)).toThrow(
      InvalidLocalDateError,
    );
  });
});
