import {
  baseEnvSchema,
  envBoolean,
  envInt,
  httpEnvSchema,
  linkSigningEnvSchema,
  loadConfig,
} from '@rappel/config';
import { z } from 'zod';

export const statsEnvSchema = baseEnvSchema
  .extend(httpEnvSchema.shape)
  .extend(linkSigningEnvSchema.shape)
  .extend({
    PORT: envInt(3004, { min: 0, max: 65535 }),
    /** Signs the CSRF cookie. At least 32 random characters. */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
    /** Absolute lifetime of a sign-in session, in hours. */
    SESSION_TTL_HOURS: envInt(12, { min: 1, max: 24 * 30 }),
    /** Name of the session cookie. */
    SESSION_COOKIE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('rappel_session'),
    /**
     * `Secure` on cookies. Defaults to on when PUBLIC_BASE_URL is https; set it explicitly
     * behind a TLS-terminating proxy that forwards plain http.
     */
    COOKIE_SECURE: envBoolean(false).optional(),
    /** Sign-in attempts allowed per IP per minute (on top of the per-account backoff). */
    SIGN_IN_RATE_LIMIT_PER_MINUTE: envInt(10, { min: 1, max: 10_000 }),
    /** Seconds between two folds of the rollup deltas into the rollups (`fold_notification_rollups()`). */
    ROLLUP_FOLD_INTERVAL_SECONDS: envInt(5, { min: 1, max: 3600 }),
    /** Country used to read national phone numbers typed on the preferences page. */
    PHONE_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('GA'),
  });

export type StatsConfig = ReturnType<typeof loadStatsConfig>;

export function loadStatsConfig(env: Record<string, string | undefined>) {
  const config = loadConfig(statsEnvSchema, env);
  return Object.freeze({
    ...config,
    cookieSecure:
      env.COOKIE_SECURE === undefined ? config.PUBLIC_BASE_URL.startsWith('https:') : !!config.COOKIE_SECURE,
  });
}
