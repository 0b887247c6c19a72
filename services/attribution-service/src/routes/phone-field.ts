import { type CountryCode, toE164 } from '@rappel/domain';
import { FieldValidationError } from '../http/errors';

/** A phone field as E.164; null/empty clears it, an unreadable number is a 400 on `field`. */
export function phoneField(
  input: string | null | undefined,
  region: CountryCode,
  field = 'phone',
): string | null | undefined {
  if (input === undefined) return undefined;
  if (input === null || input.trim() === '') return null;
  const e164 = toE164(input, region);
  if (!e164) throw new FieldValidationError(field, 'field.phone_invalid');
  return e164;
}
