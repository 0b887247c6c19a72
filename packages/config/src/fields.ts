import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/** Environment values are strings; these helpers read them into typed values. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envInt = (defaultValue: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z.coerce.number().int().min(min).max(max).default(defaultValue);

export const ianaZone = z
  .string()
  .default('Africa/Libreville')
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Africa/Libreville');

/** ISO 3166 region (two capital letters, one libphonenumber knows) of phone numbers typed without a country code. */
export const phoneRegion = (defaultValue: CountryCode) =>
  z
    .string()
    .default(defaultValue)
    .refine(
      (region) => /^[A-Z]{2}$/.test(region) && isSupportedCountry(region),
      'must be a two-letter ISO 3166 region such as GA',
    )
    .transform((region) => region as CountryCode);

/** "HH:MM", 24-hour. */
export const localTime = (defaultValue: string) =>
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM')
    .default(defaultValue);

export const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// URL');
export const redisUrl = z.string().refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// URL');

/** An optional setting (`loadConfig` already reads an empty value, `SMTP_URL=`, as unset). */
export const envOptional = <T extends z.ZodType>(schema: T) => schema.optional();
