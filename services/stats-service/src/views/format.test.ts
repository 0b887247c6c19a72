import { describe, expect, it } from 'vitest';
import { formatDay, formatSeconds } from './format';

describe('formatSeconds', () => {
  it('reads seconds, minutes and hours', () => {
    expect(formatSeconds(null)).toBe('—');
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(4.46)).toBe('4.5 s');
    expect(formatSeconds(200)).toBe('3 min 20 s');
    expect(formatSeconds(7500)).toBe('2 h 05');
  });

  it('rounds the whole value before splitting it, so no part ever reads 60', () => {
    expect(formatSeconds(59.96)).toBe('1 min 00 s');
    expect(formatSeconds(119.7)).toBe('2 min 00 s');
    expect(formatSeconds(3599.6)).toBe('1 h 00');
    expect(formatSeconds(7170)).toBe('2 h 00');
    expect(formatSeconds(7169)).toBe('1 h 59');
    expect(formatSeconds(3629)).toBe('1 h 00');
    expect(formatSeconds(3630)).toBe('1 h 01');
  });
});

describe('formatDay', () => {
  it('writes a local day as French readers do, and keeps the ISO form in English', () => {
    expect(formatDay('2026-11-28', 'fr')).toBe('28/11/2026');
    expect(formatDay('2026-11-28', 'fr', true)).toBe('28/11');
    expect(formatDay('2026-11-28', 'en')).toBe('2026-11-28');
    expect(formatDay('2026-11-28', 'en', true)).toBe('11-28');
  });
});
