import { z } from 'zod';
import {
  envBoolean,
  envInt,
  envOptional,
  ianaZone,
  localTime,
  phoneRegion,
  postgresUrl,
  redisUrl,
} from './fields';

/** Settings every service reads. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl,
  /**
   * Queries as named prepared statements (parsed once per connection). Set false only behind a
   * pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
   */
  DATABASE_PREPARED_STATEMENTS: envBoolean(true),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; tests give each run its own. */
  QUEUE_PREFIX: z.string().min(1).default('rappel'),
  /** Site zone: every wall-clock time (reminder hours, dates in messages) is in it. */
  APP_TIMEZONE: ianaZone,
  /** Seconds allowed for a clean shutdown before the process exits anyway. */
  SHUTDOWN_GRACE_SECONDS: envInt(25, { min: 1, max: 600 }),
});

/** Reminder policy (DESIGN.md, "Reminder policy"); a site can change any of it. */
export const reminderPolicyEnvSchema = z.object({
  DEFAULT_RETURN_TIME: localTime('10:00'),
  REMINDER_D2_TIME: localTime('09:00'),
  REMINDER_D1_TIME: localTime('09:00'),
  REMINDER_DUE_DAY_TIME: localTime('08:00'),
  REMINDER_2H_MINUTES_BEFORE: envInt(120, { min: 1, max: 24 * 60 }),
  OVERDUE_FIRST_MINUTES_AFTER: envInt(30, { min: 0, max: 24 * 60 }),
  OVERDUE_DAILY_TIME: localTime('10:00'),
  OVERDUE_MAX_ALERTS: envInt(7, { min: 1, max: 60 }),
});

/**
 * The retention policy, applied by reminder-scheduler every night and by `pnpm rappel purge` on
 * demand. Ages in days; `pending` and `failed` rows are never purged.
 */
export const retentionEnvSchema = z.object({
  /** Finished notification_log rows older than this are deleted (the stats keep counting them). */
  LOG_RETENTION_DAYS: envInt(90, { min: 1, max: 3650 }),
  /** When set, recipient addresses of finished rows older than this are erased. */
  ANONYMISE_AFTER_DAYS: envOptional(z.coerce.number().int().min(1).max(3650)),
});

export const httpEnvSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: envInt(3000, { min: 0, max: 65535 }),
  /** Public base URL of stats-service, used in links inside messages. */
  PUBLIC_BASE_URL: z.url().default('http://localhost:3004'),
});

/**
 * Reading phone numbers typed without a country code: by attribution-service (clients' and
 * staff's numbers) and stats-service (the WhatsApp number on the preferences page), alike.
 */
export const phoneRegionEnvSchema = z.object({
  PHONE_DEFAULT_REGION: phoneRegion('GA'),
});

/** Signs the preference links in messages. */
export const linkSigningEnvSchema = z.object({
  LINK_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
  LINK_TTL_DAYS: envInt(60, { min: 1, max: 3650 }),
});

/**
 * Delivery workers (email-sender, whatsapp-sender). The number of attempts belongs to the job
 * (set by whoever queued it); the delay between them and the claim's lease are the worker's.
 */
export const deliveryWorkerEnvSchema = z.object({
  /** Delay before the first retry, in milliseconds; each later retry doubles it (with jitter). */
  RETRY_BASE_DELAY_MS: envInt(30_000, { min: 100, max: 3_600_000 }),
  /**
   * How long one attempt holds its notification, in seconds: a worker that dies mid-send keeps
   * the row for this long before another may send it. Keep it above the provider's timeout.
   */
  DELIVERY_LEASE_SECONDS: envInt(120, { min: 5, max: 3_600 }),
});
