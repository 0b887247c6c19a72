import formbody from '@fastify/formbody';
import type { Database } from '@rappel/db';
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
import { createOutboxPublisher } from '@rappel/outbox';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  DEFAULT_RETRY_POLICY,
  type DeliveryQueues,
  type RetryPolicy,
} from '@rappel/queue';
import type { Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { twilioSettings, type WhatsAppSenderConfig } from './config';
import { createConsoleSender } from './console-sender';
import { createEmailFallback, type EmailFallback } from './email-fallback';
import { consolePageRoutes } from './routes/console-page';
import { twilioWebhookRoutes } from './routes/twilio-webhooks';
import { createTwilioSender } from './twilio-sender';
import { createWhatsAppChannel } from './whatsapp-channel';
import type { WhatsAppSender } from './whatsapp-sender';

export const SERVICE_NAME = 'whatsapp-sender';

export interface WhatsAppServiceDeps {
  config: WhatsAppSenderConfig;
  db: Database;
  /** Producer-profile Redis (fails fast): the fallback's `email` queue, queue gauges. */
  producer: Redis;
  /** Worker-profile Redis (waits for Redis). */
  workerConnection: Redis;
  logger: Logger;
  clock?: Clock;
  retryPolicy?: RetryPolicy;
  /** Overrides the transport the config chooses (Twilio with credentials, console without). */
  sender?: WhatsAppSender;
  /** How often held status callbacks are looked at again (twilioWebhookRoutes). Default 5 s. */
  heldCallbackSweepMs?: number;
}

export interface WhatsAppService {
  app: FastifyInstance;
  worker: Worker;
  queues: DeliveryQueues;
  registry: Registry;
  sender: WhatsAppSender;
  fallback: EmailFallback;
  /** The BullMQ processor, for tests that drive a job by hand. */
  processor: ReturnType<typeof createDeliveryProcessor>;
}

/**
 * Builds the worker on `whatsapp` and the HTTP app (Twilio webhooks, console page, probes,
 * metrics) from injected dependencies. Nothing listens here: main.ts does, and owns shutdown.
 */
export async function buildWhatsAppService(deps: WhatsAppServiceDeps): Promise<WhatsAppService> {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const retryPolicy = deps.retryPolicy ?? {
    ...DEFAULT_RETRY_POLICY,
    baseDelayMs: config.RETRY_BASE_DELAY_MS,
  };
  const twilio = twilioSettings(config);
  const sender =
    deps.sender ??
    (twilio ? createTwilioSender(twilio) : createConsoleSender(config.WHATSAPP_CONSOLE_DIR, logger));
  logger.info({ provider: sender.provider }, 'WhatsApp transport selected');

  const registry = createMetricsRegistry(SERVICE_NAME);
  const metrics = createDeliveryMetrics(registry);
  const queues = createDeliveryQueues({
    connection: deps.producer,
    prefix: config.QUEUE_PREFIX,
    retryPolicy,
    onError: (error, queue) => logger.error({ err: error, queue }, 'queue error'),
  });
  const redis: ReadinessCheck = async () => {
    await deps.producer.ping();
  };
  registerQueueGauges(registry, [queues.whatsapp], { redisCheck: redis });
  const publisher = createOutboxPublisher({ queues, logger });
  const actor = SERVICE_NAME;
  const fallback = createEmailFallback({ db, publisher, clock, logger, actor });

  const channel = createWhatsAppChannel({
    db,
    sender,
    clock,
    zone: config.APP_TIMEZONE,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    linkSecret: config.LINK_SIGNING_SECRET,
    linkTtlDays: config.LINK_TTL_DAYS,
    contentSids: config.TWILIO_CONTENT_SIDS,
  });
  const processor = createDeliveryProcessor({
    db,
    channel,
    clock,
    logger,
    retryPolicy,
    leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
    metrics,
    actor,
    onPermanentFailure: async (row) => {
      await fallback(row);
    },
  });
  const worker = createDeliveryWorker({
    channel: 'whatsapp',
    processor,
    connection: deps.workerConnection,
    prefix: config.QUEUE_PREFIX,
    logger,
    concurrency: config.WHATSAPP_CONCURRENCY,
    limiter: { max: config.WHATSAPP_RATE_LIMIT_PER_SECOND, duration: 1_000 },
    retryPolicy,
  });

  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  const postgres: ReadinessCheck = async () => {
    await db.execute(sql`select 1`);
  };
  // Redis is reported, not required: Twilio's webhooks (an inbound STOP, status callbacks)
  // need only Postgres, and Twilio does not retry an inbound message it could not deliver.
  // What they publish while Redis is down (a fallback e-mail) stays `pending` for the
  // scheduler's relay (docs/design-decisions.md, "Nor does whatsapp-sender's").
  const required: Record<string, ReadinessCheck> = {
    postgres,
    worker: () => {
      if (!worker.isRunning()) throw new Error('worker not running');
    },
  };
  await app.register(formbody);
  await app.register(healthPlugin, { checks: required, reported: { redis } });
  registerDependencyGauge(registry, { postgres, redis });
  await app.register(metricsPlugin, { registry });
  await app.register(twilioWebhookRoutes, {
    db,
    twilio,
    clock,
    fallback,
    registry,
    ...(deps.heldCallbackSweepMs ? { heldCallbackSweepMs: deps.heldCallbackSweepMs } : {}),
  });
  await app.register(consolePageRoutes, {
    dir: config.WHATSAPP_CONSOLE_DIR,
    active: sender.provider === 'console',
    zone: config.APP_TIMEZONE,
  });
  return { app, worker, queues, registry, sender, fallback, processor };
}

/** Closes what buildWhatsAppService opened, in the shutdown order (HTTP, worker, queues). */
export async function closeWhatsAppService(service: WhatsAppService): Promise<void> {
  await service.app.close();
  await service.worker.close();
  await closeDeliveryQueues(service.queues);
}
