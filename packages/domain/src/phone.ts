import { type CountryCode, type NumberType, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number as E.164 ("+24106123456"), or null when it is not a valid number.
 * National numbers are read in `defaultRegion` (the site's country, "GA" for Gabon).
 */
export function toE164(input: string, defaultRegion: CountryCode = 'GA'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultRegion);
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * Number types that can hold a WhatsApp account. `undefined` is a valid number whose type the
 * metadata cannot tell (some plans mix mobile and fixed ranges): accepted rather than refused.
 */
const WHATSAPP_CAPABLE = new Set<NumberType>([
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'PERSONAL_NUMBER',
  'VOIP',
  undefined,
]);

/** A WhatsApp number must also be able to receive messages: mobile (or unknown type). */
export function toWhatsAppE164(input: string, defaultRegion: CountryCode = 'GA'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultRegion);
  if (!parsed?.isValid()) return null;
  return WHATSAPP_CAPABLE.has(parsed.getType()) ? parsed.number : null;
}

export type { CountryCode };
