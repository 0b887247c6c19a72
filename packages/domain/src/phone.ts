import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number as E.164 ("+24106123456"), or null when it is not a valid number.
 * National numbers are read in `defaultRegion` (the site's country, "GA" for Gabon).
 */
export function toE164(input: string, defaultRegion: CountryCode = 'GA'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultRegion);
  return parsed?.isValid() ? parsed.number : null;
}

/** A WhatsApp number must also be able to receive messages: mobile (or unknown type). */
export function toWhatsAppE164(input: string, defaultRegion: CountryCode = 'GA'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultRegion);
  if (!parsed?.isValid()) return null;
  const type = parsed.getType();
  if (type === 'FIXED_LINE' || type === 'TOLL_FREE' || type === 'PREMIUM_RATE' || type === 'SHARED_COST')
    return null;
  return parsed.number;
}

export type { CountryCode };
