import {
  baseEnvSchema,
  envOptional,
  loadConfig,
  reminderPolicyEnvSchema,
  retentionEnvSchema,
} from '@rappel/config';
import { z } from 'zod';

/** An unset variable and an empty one mean the same: not configured. */
const optionalText = envOptional(z.string());

/** Provider settings, as the senders read them; check-providers needs nothing else. */
export const providersEnvSchema = z.object({
  /** smtp(s)://user:password@host:port; unset: e-mails are captured locally. */
  SMTP_URL: optionalText,
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  /** Sender as Twilio wants it: whatsapp:+E164. */
  TWILIO_WHATSAPP_FROM: optionalText,
  /** Twilio's REST base URL; a test points it at a local contract server. */
  TWILIO_API_BASE_URL: envOptional(z.url()).default('https://api.twilio.com'),
});

/** Everything a database command reads (`purge` applies the retention policy). */
export const cliEnvSchema = baseEnvSchema
  .extend(reminderPolicyEnvSchema.shape)
  .extend(retentionEnvSchema.shape);

export type CliConfig = ReturnType<typeof loadCliConfig>;
export type ProvidersConfig = ReturnType<typeof loadProvidersConfig>;

export const loadCliConfig = (env: Record<string, string | undefined>) => loadConfig(cliEnvSchema, env);
export const loadProvidersConfig = (env: Record<string, string | undefined>) =>
  loadConfig(providersEnvSchema, env);
