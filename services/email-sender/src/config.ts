import {
  baseEnvSchema,
  deliveryWorkerEnvSchema,
  envInt,
  envOptional,
  httpEnvSchema,
  linkSigningEnvSchema,
  loadConfig,
} from '@rappel/config';
import { z } from 'zod';

export const emailSenderEnvSchema = baseEnvSchema
  .extend(httpEnvSchema.shape)
  .extend(linkSigningEnvSchema.shape)
  .extend(deliveryWorkerEnvSchema.shape)
  .extend({
    PORT: envInt(3002, { min: 0, max: 65535 }),
    /**
     * smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465.
     * Unset: messages go to the local capture (CAPTURE_DIR, listed at GET /mail).
     */
    SMTP_URL: envOptional(
      z.string().regex(/^smtps?:\/\/[^/\s]+\/?$/, 'must be smtp://[user:pass@]host[:port] or smtps://…'),
    ),
    /** Pooled SMTP connections per process. */
    SMTP_MAX_CONNECTIONS: envInt(5, { min: 1, max: 100 }),
    /** Milliseconds allowed for connecting and for each SMTP command. */
    SMTP_TIMEOUT_MS: envInt(30_000, { min: 1_000, max: 300_000 }),
    MAIL_FROM: z.string().min(3).default('"Rappel" <rappel@localhost>'),
    /** Jobs processed at once by one process. */
    EMAIL_CONCURRENCY: envInt(10, { min: 1, max: 500 }),
    /** Folder of the local capture, relative to the working directory. */
    CAPTURE_DIR: z.string().min(1).default('.rappel/mail'),
  });

export type EmailSenderConfig = ReturnType<typeof parseEmailSenderConfig>;

export const parseEmailSenderConfig = (env: Record<string, string | undefined>) =>
  loadConfig(emailSenderEnvSchema, env);
