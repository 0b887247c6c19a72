import { baseEnvSchema, envInt, httpEnvSchema, loadConfig, reminderPolicyEnvSchema } from '@rappel/config';
import type { CountryCode } from '@rappel/domain';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

export const attributionEnvSchema = baseEnvSchema
  .extend(reminderPolicyEnvSchema.shape)
  .extend(httpEnvSchema.shape)
  .extend({
    PORT: envInt(3001, { min: 0, max: 65535 }),
    /** ISO 3166 region used to read national phone numbers ("06 12 34 56" in Gabon). */
    DEFAULT_PHONE_REGION: z
      .string()
      .default('GA')
      .refine(isSupportedCountry, 'must be a two-letter ISO 3166 region such as GA')
      .transform((region) => region as CountryCode),
    /** Largest accepted request body, in bytes. */
    BODY_LIMIT_BYTES: envInt(64 * 1024, { min: 1024, max: 10 * 1024 * 1024 }),
  });

export type AttributionConfig = ReturnType<typeof loadAttributionConfig>;

export const loadAttributionConfig = (env: Record<string, string | undefined>) =>
  loadConfig(attributionEnvSchema, env);
