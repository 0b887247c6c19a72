import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock';

describe('ManualClock', () => {
  it('starts where it is told, from a Date or an ISO string', () => {
    expect(new ManualClock('2026-12-01T10:00:00Z').now().toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(new ManualClock(new Date('2026-12-01T10:00:00Z')).now().toISOString()).toBe(
      '2026-12-01T10:00:00.000Z',
    );
  });

  it('does not move by itself', () => {
    const clock = new ManualClock('2026-12-01T10:00:00Z');
    expect(clock.now()).toEqual(clock.now());
  });

  it('advances by milliseconds, forwards and backwards', () => {
    const clock = new ManualClock('2026-12-01T10:00:00Z');
    clock.advance(30 * 60_000);
    expect(clock.now().toISOString()).toBe('2026-12-01T10:30:00.000Z');
    clock.advance(-1);
    expect(clock.now().toISOString()).toBe('2026-12-01T10:29:59.999Z');
  });

  it('can be set to any instant, earlier included', () => {
    const clock = new ManualClock('2026-12-01T10:00:00Z');
    clock.set('2026-12-04T09:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-12-04T09:00:00.000Z');
    clock.set(new Date('2026-11-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('hands out copies: changing a returned Date or the Date it was given does not move it', () => {
    const start = new Date('2026-12-01T10:00:00Z');
    const clock = new ManualClock(start);
    start.setUTCFullYear(2030);
    clock.now().setUTCFullYear(2031);
    expect(clock.now().toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });
});

describe('systemClock', () => {
  it('reads the real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(Object.isFrozen(systemClock)).toBe(true);
  });
});
