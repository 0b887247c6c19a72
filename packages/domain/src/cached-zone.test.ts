import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { cachedZone } from './cached-zone';

// Zones with DST on either hemisphere, a 30-minute DST (Lord Howe), a 45-minute offset
// (Kathmandu), DST suspended for Ramadan (Casablanca), and the zones the tests use.
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Africa/Casablanca',
  'Africa/Libreville',
  'UTC',
];
const FROM = Date.UTC(1970, 0, 1);
const TO = Date.UTC(2045, 0, 1);

describe('cachedZone', () => {
  it('gives the offset Intl gives, for any instant, in zones with every kind of transition', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO }), (name, ts) => {
        expect(cachedZone(name).offset(ts)).toBe(IANAZone.create(name).offset(ts));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is exact around each transition, the millisecond before and after', () => {
    for (const name of ZONES) {
      const iana = IANAZone.create(name);
      const zone = cachedZone(name);
      // Walk 2020–2030 hour by hour; at each change, check the minute around it to the millisecond.
      for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2030, 0, 1); t += 3_600_000) {
        if (iana.offset(t) === iana.offset(t + 3_600_000)) continue;
        for (let ms = t; ms <= t + 3_600_000; ms += 60_000) {
          expect(zone.offset(ms)).toBe(iana.offset(ms));
          expect(zone.offset(ms - 1)).toBe(iana.offset(ms - 1));
        }
      }
    }
  });

  it('formats in the zone as luxon does with the zone name', () => {
    const at = new Date('2026-03-29T00:59:59.999Z'); // Paris: the second before summer time
    for (const instant of [at, new Date(at.getTime() + 1)]) {
      expect(DateTime.fromJSDate(instant, { zone: cachedZone('Europe/Paris') }).toISO()).toBe(
        DateTime.fromJSDate(instant, { zone: 'Europe/Paris' }).toISO(),
      );
    }
  });

  it('is one instance per name and refuses an unknown zone', () => {
    expect(cachedZone('Europe/Paris')).toBe(cachedZone('Europe/Paris'));
    expect(cachedZone('Europe/Paris').equals(IANAZone.create('Europe/Paris'))).toBe(true);
    expect(() => cachedZone('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
