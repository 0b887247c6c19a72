import { describe, expect, it } from 'vitest';
import { classifyDuration } from './duration-class';

const HOUR = 3_600_000;
const start = new Date('2026-12-01T10:00:00+01:00');
const after = (ms: number) => new Date(start.getTime() + ms);

describe('classifyDuration', () => {
  it.each([
    ['1 ms', 'short', 1],
    ['exactly 4 h', 'short', 4 * HOUR],
    ['4 h + 1 ms', 'medium', 4 * HOUR + 1],
    ['exactly 24 h', 'medium', 24 * HOUR],
    ['24 h + 1 ms', 'long', 24 * HOUR + 1],
    ['60 days', 'long', 60 * 24 * HOUR],
  ] as const)('%s is %s', (_label, expected, ms) => {
    expect(classifyDuration(start, after(ms))).toBe(expected);
  });

  // The API refuses such loans (due must come after the start); the domain does not throw.
  it('classifies an empty or negative duration as short', () => {
    expect(classifyDuration(start, start)).toBe('short');
    expect(classifyDuration(start, after(-HOUR))).toBe('short');
  });

  it('measures elapsed time, not wall-clock time, across a daylight-saving change', () => {
    // Europe/Paris: 10:00 to 10:00 the next day is 23 h in spring and 25 h in autumn.
    expect(
      classifyDuration(new Date('2026-03-28T10:00:00+01:00'), new Date('2026-03-29T10:00:00+02:00')),
    ).toBe('medium');
    expect(
      classifyDuration(new Date('2026-10-24T10:00:00+02:00'), new Date('2026-10-25T10:00:00+01:00')),
    ).toBe('long');
  });
});
