import { createDbClient } from '@rappel/db';
import { createLogger } from '@rappel/observability';
import { createProducerConnection, createWorkerConnection, waitUntilReady } from '@rappel/queue';
import closeWithGrace from 'close-with-grace';
import { buildSchedulerApp } from './app';
import { parseSchedulerConfig } from './config';

const config = parseSchedulerConfig(process.env);
const logger = createLogger('reminder-scheduler', config.LOG_LEVEL);

const database = createDbClient(config.DATABASE_URL, {
  applicationName: 'reminder-scheduler',
  prepareStatements: config.DATABASE_PREPARED_STATEMENTS,
});
const producer = createProducerConnection(config.REDIS_URL);
const workerConnection = createWorkerConnection(config.REDIS_URL);
producer.on('error', (error) => logger.warn({ err: error }, 'redis producer connection error'));
workerConnection.on('error', (error) => logger.warn({ err: error }, 'redis worker connection error'));

if (!(await waitUntilReady(producer, 10_000))) {
  logger.fatal('Redis is not reachable; the job schedulers cannot be registered');
  process.exit(1);
}

const app = await buildSchedulerApp({
  config,
  db: database.db,
  sql: database.sql,
  producer,
  workerConnection,
  logger,
});

closeWithGrace({ delay: config.SHUTDOWN_GRACE_SECONDS * 1000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  app.http.health.markShuttingDown();
  await app.close();
  producer.disconnect();
  workerConnection.disconnect();
  await database.close();
});

await app.start();
await app.http.listen({ host: config.HOST, port: config.PORT });
logger.info({ port: config.PORT }, 'reminder-scheduler started');
