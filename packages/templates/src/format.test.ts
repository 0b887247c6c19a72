import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDuration, formatTime } from './format';

describe('format', () => {
  it('writes a due date for a person in the site zone', () => {
    const due = new Date('2026-12-04T09:00:00Z');
    expect(formatDateTime(due, 'Africa/Libreville', 'fr')).toBe('vendredi 4 décembre à 10:00');
    expect(formatDateTime(due, 'Africa/Libreville', 'en')).toBe('Friday 4 December at 10:00');
    const first = new Date('2026-12-01T08:30:00Z');
    expect(formatDateTime(first, 'Africa/Libreville', 'fr')).toBe('mardi 1er décembre à 09:30');
    expect(formatDateTime(first, 'Africa/Libreville', 'en')).toBe('Tuesday 1 December at 09:30');
  });

  it('says what luxon says, at any instant, in zones with DST, half hours and 45 minutes', () => {
    const zones = [
      'Africa/Libreville',
      'Europe/Paris',
      'America/New_York',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ];
    const luxon = (instant: Date, zone: string, locale: string) =>
      DateTime.fromJSDate(instant, { zone }).setLocale(locale);
    let seed = 7;
    const next = () => {
      seed = (seed * 48271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const instants = Array.from(
      { length: 2000 },
      () => new Date(Date.UTC(2020, 0, 1) + next() * 11 * 365 * 86_400_000),
    );
    // Around each DST change of Paris and New York in 2026, minute by minute.
    for (const change of [
      '2026-03-29T01:00:00Z',
      '2026-10-25T01:00:00Z',
      '2026-03-08T07:00:00Z',
      '2026-11-01T06:00:00Z',
    ])
      for (let m = -90; m <= 90; m += 1) instants.push(new Date(Date.parse(change) + m * 60_000));
    for (const zone of zones) {
      for (const instant of instants) {
        const fr = luxon(instant, zone, 'fr-FR');
        const en = luxon(instant, zone, 'en-GB');
        const label = `${instant.toISOString()} in ${zone}`;
        expect(formatDate(instant, zone, 'fr'), label).toBe(
          fr.day === 1 ? `${fr.toFormat('cccc')} 1er ${fr.toFormat('LLLL')}` : fr.toFormat('cccc d LLLL'),
        );
        expect(formatDate(instant, zone, 'en'), label).toBe(en.toFormat('cccc d LLLL'));
        expect(formatTime(instant, zone), label).toBe(fr.toFormat('HH:mm'));
      }
    }
  });

  it('writes durations with two units at most', () => {
    expect(formatDuration(45 * 60_000, 'fr')).toBe('45 minutes');
    expect(formatDuration((2 * 1440 + 3 * 60 + 5) * 60_000, 'fr')).toBe('2 jours et 3 heures');
    expect(formatDuration((60 + 1) * 60_000, 'en')).toBe('1 hour and 1 minute');
    expect(formatDuration(10_000, 'en')).toBe('1 minute');
  });
});
