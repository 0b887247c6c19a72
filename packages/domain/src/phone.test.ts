import { describe, expect, it } from 'vitest';
import { toE164, toWhatsAppE164 } from './phone';

describe('toE164', () => {
  it.each([
    // Gabon mobile numbers, national (region GA by default) and international, in odd formats.
    ['06 12 34 56', '+24106123456'],
    ['06-12-34-56', '+24106123456'],
    ['06.12.34.56', '+24106123456'],
    ['06123456', '+24106123456'],
    ['  06 12 34 56  ', '+24106123456'],
    ['+241 06 12 34 56', '+24106123456'],
    ['(+241) 06 12 34 56', '+24106123456'],
    ['00241 06 12 34 56', '+24106123456'],
    ['0024106123456', '+24106123456'],
    ['+24106123456', '+24106123456'],
    // The trunk 0 before 6x/7x is dropped, whether dialled nationally or after +241.
    ['077 12 34 56', '+24177123456'],
    ['+241 077 12 34 56', '+24177123456'],
    ['074123456', '+24174123456'],
    ['066 12 34 56', '+24166123456'],
    // Fixed lines are valid phone numbers.
    ['011 44 55 66', '+24111445566'],
    // Foreign numbers, international or with the 00 prefix.
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033 6 12 34 56 78', '+33612345678'],
    ['+1 (415) 555-2671', '+14155552671'],
    ['+91 98765 43210', '+919876543210'],
  ])('%j → %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['', '   ', 'abc', 'not a number', '12', '++24106123456', '+241 06 12 34 56 78', '+999 1234 5678'])(
    'refuses %j',
    (input) => {
      expect(toE164(input)).toBeNull();
    },
  );

  it('reads national numbers in the given region', () => {
    expect(toE164('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(toE164('06 12 34 56 78')).toBeNull(); // not a Gabon number
  });
});

describe('toWhatsAppE164', () => {
  it.each([
    ['06 12 34 56', '+24106123456'],
    ['077-12-34-56', '+24177123456'],
    ['00241.06.12.34.56', '+24106123456'],
    ['+33 6 12 34 56 78', '+33612345678'],
    // The North American plan does not tell mobile from fixed: accepted.
    ['+1 415 555 2671', '+14155552671'],
  ])('accepts the mobile number %j → %s', (input, expected) => {
    expect(toWhatsAppE164(input)).toBe(expected);
  });

  it.each([
    ['a Gabon fixed line', '011 44 55 66'],
    ['a Gabon fixed line, international', '+241 01 44 55 66'],
    ['a French fixed line', '+33 1 42 68 53 00'],
    ['a UK fixed line', '+44 20 7946 0958'],
    ['a toll-free number', '+33 8 00 12 34 56'],
    ['a US toll-free number', '+1 800 555 0199'],
    ['a UK pager', '+44 7640 123456'],
    ['a UK non-geographic (UAN) number', '+44 345 678 9012'],
    ['garbage', 'WhatsApp me'],
    ['an empty string', ''],
  ])('refuses %s (%j)', (_label, input) => {
    expect(toWhatsAppE164(input)).toBeNull();
  });
});
