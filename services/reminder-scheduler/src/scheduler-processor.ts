import { SCHEDULER_JOBS } from '@rappel/contracts';
import type { Database } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import type { OutboxPublisher } from '@rappel/outbox';
import type { DeliveryQueues } from '@rappel/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { SchedulerConfig } from './config';
import { dailyReport } from './jobs/daily-report';
import { fireDueReminders } from './jobs/fire-due-reminders';
import { relay } from './jobs/relay';
import { retention } from './jobs/retention';
import type { SchedulerMetrics } from './scheduler-metrics';

export interface SchedulerProcessorDeps {
  db: Database;
  queues: DeliveryQueues;
  publisher: OutboxPublisher;
  clock: Clock;
  logger: Logger;
  config: SchedulerConfig;
  metrics: SchedulerMetrics;
}

/** The `scheduler` queue's processor: dispatches each tick to its job by name. */
export function createSchedulerProcessor(deps: SchedulerProcessorDeps) {
  const { db, queues, publisher, clock, logger, config, metrics } = deps;
  const run = async (name: string): Promise<unknown> => {
    switch (name) {
      case SCHEDULER_JOBS.fireDueReminders: {
        const s = await fireDueReminders({
          db,
          publisher,
          clock,
          logger,
          batchSize: config.FIRE_BATCH_SIZE,
          maxLatenessMinutes: config.MAX_REMINDER_LATENESS_MINUTES,
        });
        metrics.reminders.inc({ outcome: 'fired' }, s.fired - s.tooLate);
        metrics.reminders.inc({ outcome: 'too_late' }, s.tooLate);
        metrics.reminders.inc({ outcome: 'cancelled' }, s.cancelled);
        return s;
      }
      case SCHEDULER_JOBS.relay: {
        const s = await relay({
          db,
          queues,
          clock,
          logger,
          batchSize: config.RELAY_BATCH_SIZE,
          maxRowsPerTick: config.RELAY_MAX_ROWS_PER_TICK,
          graceSeconds: config.RELAY_GRACE_SECONDS,
        });
        metrics.relayed.inc(s.requeued);
        return s;
      }
      case SCHEDULER_JOBS.retention:
        return retention({
          db,
          clock,
          logger,
          retentionDays: config.LOG_RETENTION_DAYS,
          anonymiseAfterDays: config.ANONYMISE_AFTER_DAYS,
          batchSize: 1_000,
        });
      case SCHEDULER_JOBS.dailyReport:
        return dailyReport({ db, publisher, clock, logger, zone: config.APP_TIMEZONE });
      default:
        throw new UnrecoverableError(`unknown scheduler job "${name}"`);
    }
  };

  return async function processSchedulerJob(job: Job): Promise<unknown> {
    const stop = metrics.tickDuration.startTimer({ scheduler_job: job.name });
    try {
      const result = await run(job.name);
      metrics.lastTick.set({ scheduler_job: job.name }, clock.now().getTime() / 1000);
      return result;
    } catch (error) {
      metrics.tickFailures.inc({ scheduler_job: job.name });
      logger.error({ err: error, job: job.name }, 'scheduler job failed');
      throw error;
    } finally {
      stop();
    }
  };
}
