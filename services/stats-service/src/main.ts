import { createDbClient, pingDatabase } from '@rappel/db';
import { createLogger, createMetricsRegistry } from '@rappel/observability';
import { closeDeliveryQueues, createDeliveryQueues, createProducerConnection } from '@rappel/queue';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { loadStatsConfig } from './config';
import { createSchedulerQueue } from './scheduler-queue';
import { startRollupFolding } from './stats/fold';

const config = loadStatsConfig(process.env);
const logger = createLogger('stats-service', config.LOG_LEVEL);
const database = createDbClient(config.DATABASE_URL, {
  applicationName: 'stats-service',
  prepareStatements: config.DATABASE_PREPARED_STATEMENTS,
});
const redis = createProducerConnection(config.REDIS_URL);
// Redis is not part of readiness (app.ts): its outages show here and in rappel_dependency_up.
redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
redis.on('ready', () => logger.info('redis connection ready'));
const onError = (error: Error, queue: string) => logger.warn({ err: error, queue }, 'queue error');
const queues = createDeliveryQueues({ connection: redis, prefix: config.QUEUE_PREFIX, onError });
for (const [name, queue] of Object.entries(queues)) queue.on('error', (error) => onError(error, name));
const schedulerQueue = createSchedulerQueue(redis, config.QUEUE_PREFIX, (error) =>
  onError(error, 'scheduler'),
);

const [{ timezone } = { timezone: 'UTC' }] = await database.sql<{ timezone: string }[]>`
  select timezone from stats_settings where id = 1`;
if (timezone !== config.APP_TIMEZONE) {
  logger.warn(
    { rollupZone: timezone, appZone: config.APP_TIMEZONE },
    'rollup days are computed in another zone: run `select rebuild_notification_rollups($APP_TIMEZONE)` once',
  );
}

const app = await buildApp({
  config,
  db: database.db,
  sql: database.sql,
  queues,
  schedulerQueue,
  registry: createMetricsRegistry('stats-service'),
  pingPostgres: () => pingDatabase(database.sql),
  pingRedis: async () => {
    await redis.ping();
  },
  logger,
});

// The log and loan triggers append rollup deltas; this moves them into the rollups.
const folding = startRollupFolding({
  sql: database.sql,
  intervalMs: config.ROLLUP_FOLD_INTERVAL_SECONDS * 1000,
  logger,
});

closeWithGrace({ delay: config.SHUTDOWN_GRACE_SECONDS * 1000 }, async ({ err, signal }) => {
  if (err) logger.error({ err }, 'stopping after an error');
  else logger.info({ signal }, 'stopping');
  app.health.markShuttingDown();
  await app.close();
  await closeDeliveryQueues(queues);
  await schedulerQueue.close();
  redis.disconnect();
  await folding.stop();
  await database.close();
});

await app.listen({ host: config.HOST, port: config.PORT });
