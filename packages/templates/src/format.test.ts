import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration } from './format';

describe('format', () => {
  it('writes a due date for a person in the site zone', () => {
    const due = new Date('2026-12-04T09:00:00Z');
    expect(formatDateTime(due, 'Africa/Libreville', 'fr')).toBe('vendredi 4 décembre à 10:00');
    expect(formatDateTime(due, 'Africa/Libreville', 'en')).toBe('Friday 4 December at 10:00');
    const first = new Date('2026-12-01T08:30:00Z');
    expect(formatDateTime(first, 'Africa/Libreville', 'fr')).toBe('mardi 1er décembre à 09:30');
    expect(formatDateTime(first, 'Africa/Libreville', 'en')).toBe('Tuesday 1 December at 09:30');
  });

  it('writes durations with two units at most', () => {
    expect(formatDuration(45 * 60_000, 'fr')).toBe('45 minutes');
    expect(formatDuration((2 * 1440 + 3 * 60 + 5) * 60_000, 'fr')).toBe('2 jours et 3 heures');
    expect(formatDuration((60 + 1) * 60_000, 'en')).toBe('1 hour and 1 minute');
    expect(formatDuration(10_000, 'en')).toBe('1 minute');
  });
});
