import { describe, expect, it } from 'vitest';
import { eachDay, splitByMonth } from './range';

describe('splitByMonth', () => {
  it('keeps a range inside one month, or across two partial ones, as days', () => {
    expect(splitByMonth({ from: '2026-11-03', to: '2026-11-27' })).toEqual({
      months: null,
      days: [{ from: '2026-11-03', to: '2026-11-27' }],
    });
    expect(splitByMonth({ from: '2026-10-29', to: '2026-11-27' })).toEqual({
      months: null,
      days: [{ from: '2026-10-29', to: '2026-11-27' }],
    });
    // Ends on a month's last day but does not start on its first.
    expect(splitByMonth({ from: '2026-11-02', to: '2026-11-30' }).months).toBeNull();
  });

  it('reads whole months from the monthly rollup and the ends from the daily one', () => {
    expect(splitByMonth({ from: '2025-11-28', to: '2026-11-27' })).toEqual({
      months: { from: '2025-12-01', to: '2026-10-31' },
      days: [
        { from: '2025-11-28', to: '2025-11-30' },
        { from: '2026-11-01', to: '2026-11-27' },
      ],
    });
    expect(splitByMonth({ from: '2026-11-01', to: '2026-11-30' })).toEqual({
      months: { from: '2026-11-01', to: '2026-11-30' },
      days: [],
    });
    expect(splitByMonth({ from: '2026-01-01', to: '2026-12-31' })).toEqual({
      months: { from: '2026-01-01', to: '2026-12-31' },
      days: [],
    });
    // February of a leap year, and a range that starts on a first and ends mid-month.
    expect(splitByMonth({ from: '2028-02-01', to: '2028-03-15' })).toEqual({
      months: { from: '2028-02-01', to: '2028-02-29' },
      days: [{ from: '2028-03-01', to: '2028-03-15' }],
    });
    expect(splitByMonth({ from: '2026-01-15', to: '2026-02-28' })).toEqual({
      months: { from: '2026-02-01', to: '2026-02-28' },
      days: [{ from: '2026-01-15', to: '2026-01-31' }],
    });
  });

  it('covers every day of the range exactly once, whatever its ends', () => {
    const start = Date.UTC(2027, 11, 1);
    for (let a = 0; a < 430; a += 7) {
      for (const length of [0, 1, 27, 28, 30, 31, 59, 61, 120, 364, 400]) {
        const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        const range = { from: iso(start + a * 86_400_000), to: iso(start + (a + length) * 86_400_000) };
        const { months, days } = splitByMonth(range);
        const covered = [...(months ? eachDay(months) : []), ...days.flatMap(eachDay)].sort();
        expect(covered).toEqual(eachDay(range));
        if (months) {
          expect(months.from.endsWith('-01')).toBe(true);
          expect(splitByMonth({ from: months.from, to: months.to }).days).toEqual([]);
        }
        const longest = months ? 31 : 62;
        for (const piece of days) expect(eachDay(piece).length).toBeLessThan(longest);
      }
    }
  });
});
