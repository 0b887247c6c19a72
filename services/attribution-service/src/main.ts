import { createDbClient, pingDatabase } from '@rappel/db';
import { reminderPolicyFromConfig, systemClock } from '@rappel/domain';
import { createLogger, loggerOptions } from '@rappel/observability';
import { createOutboxPublisher } from '@rappel/outbox';
import { closeDeliveryQueues, createDeliveryQueues, createProducerConnection } from '@rappel/queue';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { loadAttributionConfig } from './config';

const SERVICE = 'attribution-service';
const config = loadAttributionConfig(process.env);
const logger = createLogger(SERVICE, config.LOG_LEVEL);

const database = createDbClient(config.DATABASE_URL, {
  applicationName: SERVICE,
  prepareStatements: config.DATABASE_PREPARED_STATEMENTS,
});
const redis = createProducerConnection(config.REDIS_URL);
// Redis is not part of readiness (app.ts): its outages show here and in rappel_dependency_up.
redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
redis.on('ready', () => logger.info('redis connection ready'));
const queues = createDeliveryQueues({
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  onError: (error, queue) => logger.warn({ err: error, queue }, 'queue error'),
});

const app = await buildApp({
  db: database.db,
  publisher: createOutboxPublisher({ queues, logger }),
  clock: systemClock,
  policy: reminderPolicyFromConfig(config),
  phoneRegion: config.PHONE_DEFAULT_REGION,
  logger: loggerOptions(SERVICE, config.LOG_LEVEL),
  bodyLimit: config.BODY_LIMIT_BYTES,
  pingPostgres: () => pingDatabase(database.sql),
  pingRedis: async () => {
    await redis.ping();
  },
});

// One owner, one order: readiness 503, stop HTTP, queues, Redis, Postgres.
closeWithGrace({ delay: config.SHUTDOWN_GRACE_SECONDS * 1000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  app.health.markShuttingDown();
  await app.close();
  await closeDeliveryQueues(queues);
  await redis.quit().catch(() => redis.disconnect());
  await database.close();
});

await app.listen({ host: config.HOST, port: config.PORT });
