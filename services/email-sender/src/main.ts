import { createDbClient } from '@rappel/db';
import { createLogger } from '@rappel/observability';
import { createProducerConnection, createWorkerConnection } from '@rappel/queue';
import { createEmailRenderer } from '@rappel/templates';
import closeWithGrace from 'close-with-grace';
import { buildEmailSender } from './app';
import { parseEmailSenderConfig } from './config';
import { transportFromConfig } from './transports/select-transport';

const config = parseEmailSenderConfig(process.env);
const logger = createLogger('email-sender', config.LOG_LEVEL);

// The layouts were compiled at build time (no MJML here); a missing one stops the process before it takes a job.
const renderer = await createEmailRenderer();
const { transport, captureDir } = transportFromConfig(config);

const database = createDbClient(config.DATABASE_URL, {
  applicationName: 'email-sender',
  prepareStatements: config.DATABASE_PREPARED_STATEMENTS,
});
const producer = createProducerConnection(config.REDIS_URL);
const workerConnection = createWorkerConnection(config.REDIS_URL);
producer.on('error', (error) => logger.warn({ err: error }, 'redis producer connection error'));
workerConnection.on('error', (error) => logger.warn({ err: error }, 'redis worker connection error'));

const app = await buildEmailSender({
  config,
  db: database.db,
  sql: database.sql,
  producer,
  workerConnection,
  transport,
  renderer,
  captureDir,
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

await app.http.listen({ host: config.HOST, port: config.PORT });
logger.info(
  { port: config.PORT, transport: transport.provider, captureDir },
  captureDir ? 'email-sender started; e-mail is captured locally (GET /mail)' : 'email-sender started',
);
