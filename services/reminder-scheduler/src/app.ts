import { QUEUE_NAMES, SCHEDULER_JOBS } from '@rappel/contracts';
import { type Database, pingDatabase } from '@rappel/db';
import { type Clock, systemClock } from '@rappel/domain';
import {
  createMetricsRegistry,
  healthPlugin,
  metricsPlugin,
  type ReadinessCheck,
  registerDependencyGauge,
  registerQueueGauges,
} from '@rappel/observability';
import { createOutboxPublisher } from '@rappel/outbox';
import { closeDeliveryQueues, createDeliveryQueues, type DeliveryQueues } from '@rappel/queue';
import { Queue, Worker } from 'bullmq';
import Fastify, {
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type postgres from 'postgres';
import type { Registry } from 'prom-client';
import type { SchedulerConfig } from './config';
import { catchUpDailyReport } from './daily-report-catch-up';
import {
  ensureJobSchedulers,
  type JobSchedulerSettings,
  registerJobSchedulers,
  type SchedulerQueue,
} from './job-schedulers';
import { createSchedulerMetrics } from './scheduler-metrics';
import { createSchedulerProcessor } from './scheduler-processor';

export interface SchedulerAppDeps {
  config: SchedulerConfig;
  db: Database;
  sql: postgres.Sql;
  /** Producer-profile connection (fails fast): the queues use it. */
  producer: Redis;
  /** Worker-profile connection (waits for Redis): the scheduler worker uses it. */
  workerConnection: Redis;
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
}

export interface SchedulerApp {
  http: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;
  worker: Worker;
  schedulerQueue: SchedulerQueue;
  deliveryQueues: DeliveryQueues;
  registry: Registry;
  /**
   * Upserts the job schedulers that are missing or changed, queues today's daily report if it
   * is due and unwritten, and starts taking ticks.
   */
  start(): Promise<void>;
  /** Stops HTTP, then the worker (letting a running tick finish), then the queues. */
  close(): Promise<void>;
}

/**
 * Builds the scheduler without listening or starting: the `scheduler` queue and its worker, the
 * delivery queues it publishes to, and the probe/metrics HTTP app. main.ts owns connections.
 */
export async function buildSchedulerApp(deps: SchedulerAppDeps): Promise<SchedulerApp> {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const prefix = config.QUEUE_PREFIX;
  const onError = (error: Error, queue: string) => logger.error({ err: error, queue }, 'queue error');

  const deliveryQueues = createDeliveryQueues({ connection: deps.producer, prefix, onError });
  const schedulerQueue: SchedulerQueue = new Queue(QUEUE_NAMES.scheduler, {
    connection: deps.producer,
    prefix,
  });
  for (const q of [schedulerQueue, ...Object.values(deliveryQueues)]) {
    q.on('error', (error) => onError(error, q.name));
  }

  const registry = createMetricsRegistry('reminder-scheduler');
  const checks = {
    postgres: () => pingDatabase(deps.sql),
    redis: async () => {
      await deps.producer.ping();
    },
  } satisfies Record<string, ReadinessCheck>;
  registerQueueGauges(registry, [schedulerQueue, ...Object.values(deliveryQueues)], {
    redisCheck: checks.redis,
  });
  registerDependencyGauge(registry, checks);
  const metrics = createSchedulerMetrics(registry);
  const publisher = createOutboxPublisher({ queues: deliveryQueues, logger });

  const worker = new Worker(
    QUEUE_NAMES.scheduler,
    createSchedulerProcessor({ db, queues: deliveryQueues, publisher, clock, logger, config, metrics }),
    // One tick at a time per process; replicas share the ticks.
    { connection: deps.workerConnection, prefix, concurrency: 1, autorun: false },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'scheduler worker error'));

  // The HTTP side only serves probes and metrics: request lines would be noise, errors are not.
  const http = Fastify({ loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) });
  await http.register(healthPlugin, {
    checks: {
      ...checks,
      worker: () => {
        if (!worker.isRunning()) throw new Error('worker not running');
      },
    },
  });
  await http.register(metricsPlugin, { registry });

  const settings: JobSchedulerSettings = {
    fireIntervalSeconds: config.FIRE_INTERVAL_SECONDS,
    relayIntervalSeconds: config.RELAY_INTERVAL_SECONDS,
    retentionTime: config.RETENTION_TIME,
    dailyReportTime: config.DAILY_REPORT_TIME,
    zone: config.APP_TIMEZONE,
  };
  let watchdog: NodeJS.Timeout | undefined;
  // A daily-report scheduler registered anew starts at tomorrow's report time: if today's has
  // passed unwritten (its pending run dropped or forgotten by Redis), it is queued now.
  const catchUpReport = async () => {
    try {
      const caught = await catchUpDailyReport({
        queue: schedulerQueue,
        db,
        clock,
        time: config.DAILY_REPORT_TIME,
        zone: config.APP_TIMEZONE,
      });
      if (caught.outcome === 'queued')
        logger.warn(caught, "today's daily report was due and not written; queued a run");
    } catch (error) {
      logger.error({ err: error }, 'daily report catch-up failed');
    }
  };
  const restoreMissingSchedulers = async () => {
    try {
      const missing = await ensureJobSchedulers(schedulerQueue, settings);
      if (missing.length > 0)
        logger.warn({ missing }, 'job schedulers were missing from Redis; registered again');
      if (missing.includes(SCHEDULER_JOBS.dailyReport)) await catchUpReport();
    } catch (error) {
      // Redis down: the next check tries again.
      logger.debug({ err: error }, 'job scheduler check failed');
    }
  };

  return {
    http,
    worker,
    schedulerQueue,
    deliveryQueues,
    registry,
    async start() {
      const changed = await registerJobSchedulers(schedulerQueue, settings);
      if (changed.length > 0) logger.info({ changed }, 'job schedulers registered');
      await catchUpReport();
      watchdog = setInterval(restoreMissingSchedulers, config.JOB_SCHEDULER_CHECK_SECONDS * 1000);
      watchdog.unref();
      worker.run().catch((error) => logger.error({ err: error }, 'scheduler worker stopped'));
    },
    async close() {
      clearInterval(watchdog);
      await http.close();
      await worker.close();
      await schedulerQueue.close();
      await closeDeliveryQueues(deliveryQueues);
    },
  };
}
