import {
  baseEnvSchema,
  envInt,
  httpEnvSchema,
  loadConfig,
  phoneRegionEnvSchema,
  reminderPolicyEnvSchema,
} from '@rappel/config';

export const attributionEnvSchema = baseEnvSchema
  .extend(reminderPolicyEnvSchema.shape)
  .extend(httpEnvSchema.shape)
  /** PHONE_DEFAULT_REGION: national numbers ("06 12 34 56") are read in it; shared with stats-service. */
  .extend(phoneRegionEnvSchema.shape)
  .extend({
    PORT: envInt(3001, { min: 0, max: 65535 }),
    /** Largest accepted request body, in bytes. */
    BODY_LIMIT_BYTES: envInt(64 * 1024, { min: 1024, max: 10 * 1024 * 1024 }),
  });

export type AttributionConfig = ReturnType<typeof loadAttributionConfig>;

export const loadAttributionConfig = (env: Record<string, string | undefined>) =>
  loadConfig(attributionEnvSchema, env);
