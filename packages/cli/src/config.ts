import { baseEnvSchema, envInt, envOptional, loadConfig, reminderPolicyEnvSchema } from '@rappel/config';
import { z } from 'zod';

/** An unset variable and an empty one mean the same: not configured. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/** Provider settings, as the senders read them; check-providers needs nothing else. */
export const providersEnvSchema = z.object({
  /** smtp(s)://user:password@host:port; unset: e-mails are captured locally. */
  SMTP_URL: optionalText,
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  /** Sender as Twilio wants it: whatsapp:+E164. */
  TWILIO_WHATSAPP_FROM: optionalText,
  /** Twilio's REST base URL; a test points it at a local contract server. */
  TWILIO_API_BASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.url().default('https://api.twilio.com'),
  ),
});

/** Everything a database command reads. */
export const cliEnvSchema = baseEnvSchema.extend(reminderPolicyEnvSchema.shape).extend({
  /** Finished notification_log rows older than this are deleted by `purge`, in days. */
  LOG_RETENTION_DAYS: envInt(90, { min: 1, max: 3650 }),
  /** When set, `purge` also erases recipient addresses of finished rows older than this, in days. */
  ANONYMISE_AFTER_DAYS: envOptional(z.coerce.number().int().min(1).max(3650)),
});

export type CliConfig = ReturnType<typeof loadCliConfig>;
export type ProvidersConfig = ReturnType<typeof loadProvidersConfig>;

export const loadCliConfig = (env: Record<string, string | undefined>) => loadConfig(cliEnvSchema, env);
export const loadProvidersConfig = (env: Record<string, string | undefined>) =>
  loadConfig(providersEnvSchema, env);
