import { describe, expect, it } from 'vitest';
import { buildIcs, escapeIcsText, foldIcsLine, icsUtc } from './ics';

const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('ics', () => {
  it('writes UTC date-times in the basic format', () => {
    expect(icsUtc(new Date('2026-12-04T09:00:00.000Z'))).toBe('20261204T090000Z');
  });

  it('escapes TEXT values', () => {
    expect(escapeIcsText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `DESCRIPTION:${'é'.repeat(100)}`;
    const folded = foldIcsLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(unfold(folded)).toBe(line);
  });

  it('writes one published event with CRLF line ends', () => {
    const ics = buildIcs({
      uid: 'loan-1@rappel',
      stamp: new Date('2026-12-01T08:00:00Z'),
      start: new Date('2026-12-04T09:00:00Z'),
      durationMinutes: 15,
      summary: 'Retour : Vidéoprojecteur, n° INV-1',
      location: 'Réception; rez-de-chaussée',
      description: 'x'.repeat(200),
    });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
    const lines = unfold(ics).split('\r\n');
    expect(lines).toContain('METHOD:PUBLISH');
    expect(lines).toContain('DTSTART:20261204T090000Z');
    expect(lines).toContain('SUMMARY:Retour : Vidéoprojecteur\\, n° INV-1');
    expect(lines).toContain('LOCATION:Réception\\; rez-de-chaussée');
  });
});
