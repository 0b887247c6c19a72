import {
  baseEnvSchema,
  envInt,
  loadConfig,
  localTime,
  reminderPolicyEnvSchema,
  retentionEnvSchema,
} from '@rappel/config';
import { z } from 'zod';

/** reminder-scheduler settings. Intervals in seconds, ages in days, wall-clock times in APP_TIMEZONE. */
export const schedulerEnvSchema = baseEnvSchema
  .extend(reminderPolicyEnvSchema.shape)
  .extend(retentionEnvSchema.shape)
  .extend({
    HOST: z.string().default('0.0.0.0'),
    PORT: envInt(3005, { min: 0, max: 65535 }),
    /** How often due reminders are fired, in seconds. */
    FIRE_INTERVAL_SECONDS: envInt(15, { min: 1, max: 3600 }),
    /** How often the outbox relay looks for rows without a live job, in seconds. */
    RELAY_INTERVAL_SECONDS: envInt(30, { min: 1, max: 3600 }),
    /**
     * How often each replica checks that the job schedulers still exist in Redis (a Redis that lost
     * its data forgets them) and registers the missing ones again, in seconds.
     */
    JOB_SCHEDULER_CHECK_SECONDS: envInt(10, { min: 1, max: 3600 }),
    /** Reminders claimed per transaction. */
    FIRE_BATCH_SIZE: envInt(500, { min: 1, max: 5000 }),
    /** Rows the relay reads per page; it reads at most RELAY_MAX_ROWS_PER_TICK per tick. */
    RELAY_BATCH_SIZE: envInt(500, { min: 1, max: 5000 }),
    RELAY_MAX_ROWS_PER_TICK: envInt(5000, { min: 1, max: 1_000_000 }),
    /** A pending row younger than this is left to the publish-after-commit path, in seconds. */
    RELAY_GRACE_SECONDS: envInt(10, { min: 0, max: 3600 }),
    /** A pre-due reminder later than this is recorded skipped (too_late) rather than sent. */
    MAX_REMINDER_LATENESS_MINUTES: envInt(360, { min: 1, max: 7 * 24 * 60 }),
    RETENTION_TIME: localTime('02:00'),
    DAILY_REPORT_TIME: localTime('07:30'),
  });

export type SchedulerConfig = ReturnType<typeof parseSchedulerConfig>;

export const parseSchedulerConfig = (env: Record<string, string | undefined>) =>
  loadConfig(schedulerEnvSchema, env);
