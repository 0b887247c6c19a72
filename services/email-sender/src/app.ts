import { QUEUE_NAMES } from '@rappel/contracts';
import { type Database, pingDatabase } from '@rappel/db';
import { createDeliveryMetrics, createDeliveryProcessor, createDeliveryWorker } from '@rappel/delivery';
import { type Clock, systemClock } from '@rappel/domain';
import {
  createMetricsRegistry,
  healthPlugin,
  metricsPlugin,
  type ReadinessCheck,
  registerDependencyGauge,
  registerQueueGauges,
} from '@rappel/observability';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '@rappel/queue';
import type { EmailRenderer } from '@rappel/templates';
import { Queue, type Worker } from 'bullmq';
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
import type { EmailSenderConfig } from './config';
import { createEmailChannel } from './email-channel';
import { mailCaptureRoutes } from './routes/mail-capture';
import type { EmailTransport } from './transports/email-transport';

export interface EmailSenderDeps {
  config: EmailSenderConfig;
  db: Database;
  sql: postgres.Sql;
  /** Producer-profile connection: the queue read by /metrics and /readyz. */
  producer: Redis;
  /** Worker-profile connection (waits for Redis). */
  workerConnection: Redis;
  transport: EmailTransport;
  /** Precompiled templates (createEmailRenderer). */
  renderer: EmailRenderer;
  /** The capture folder when `transport` is the local capture, for GET /mail. */
  captureDir: string | null;
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: DEFAULT_RETRY_POLICY with the configured RETRY_BASE_DELAY_MS (tests pass a fast one). */
  retryPolicy?: RetryPolicy;
}

export interface EmailSenderApp {
  http: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;
  /** Already running: it takes jobs from the moment it is built. */
  worker: Worker;
  queue: Queue;
  registry: Registry;
  /** Stops HTTP, then the worker (active jobs finish), then the queue and the transport. */
  close(): Promise<void>;
}

/**
 * Builds the e-mail sender without listening: the worker on queue `email` (claim, render,
 * send, record — the lifecycle lives in @rappel/delivery) and the HTTP app for probes,
 * metrics and the capture page. main.ts owns the connections and the order of shutdown.
 */
export async function buildEmailSender(deps: EmailSenderDeps): Promise<EmailSenderApp> {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const retryPolicy = deps.retryPolicy ?? {
    ...DEFAULT_RETRY_POLICY,
    baseDelayMs: config.RETRY_BASE_DELAY_MS,
  };

  const registry = createMetricsRegistry('email-sender');
  const metrics = createDeliveryMetrics(registry);
  const queue = new Queue(QUEUE_NAMES.email, { connection: deps.producer, prefix: config.QUEUE_PREFIX });
  queue.on('error', (error) => logger.error({ err: error, queue: queue.name }, 'queue error'));
  const checks = {
    postgres: () => pingDatabase(deps.sql),
    redis: async () => {
      await deps.producer.ping();
    },
  } satisfies Record<string, ReadinessCheck>;
  registerQueueGauges(registry, [queue], { redisCheck: checks.redis });
  registerDependencyGauge(registry, checks);

  const channel = createEmailChannel({
    renderer: deps.renderer,
    transport: deps.transport,
    clock,
    from: config.MAIL_FROM,
    zone: config.APP_TIMEZONE,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    linkSecret: config.LINK_SIGNING_SECRET,
    linkTtlDays: config.LINK_TTL_DAYS,
  });
  const processor = createDeliveryProcessor({
    db,
    channel,
    clock,
    logger,
    metrics,
    actor: 'email-sender',
    retryPolicy,
    leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
  });
  const worker = createDeliveryWorker({
    channel: 'email',
    processor,
    connection: deps.workerConnection,
    prefix: config.QUEUE_PREFIX,
    logger,
    concurrency: config.EMAIL_CONCURRENCY,
    retryPolicy,
  });

  // The HTTP side serves probes, metrics and the capture page: request lines would be noise.
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
  await http.register(mailCaptureRoutes, { dir: deps.captureDir, zone: config.APP_TIMEZONE });

  return {
    http,
    worker,
    queue,
    registry,
    async close() {
      await http.close();
      await worker.close();
      await queue.close();
      await deps.transport.close();
    },
  };
}
