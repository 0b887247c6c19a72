import { createDbClient } from '@rappel/db';
import { createLogger } from '@rappel/observability';
import { createProducerConnection, createWorkerConnection } from '@rappel/queue';
import closeWithGrace from 'close-with-grace';
import { buildWhatsAppService, SERVICE_NAME } from './app';
import { loadWhatsAppSenderConfig } from './config';

const config = loadWhatsAppSenderConfig(process.env);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const database = createDbClient(config.DATABASE_URL, {
  applicationName: 'whatsapp-sender',
  prepareStatements: config.DATABASE_PREPARED_STATEMENTS,
});
const producer = createProducerConnection(config.REDIS_URL);
const workerConnection = createWorkerConnection(config.REDIS_URL);
producer.on('error', (error) => logger.warn({ err: error }, 'redis (producer) error'));
workerConnection.on('error', (error) => logger.warn({ err: error }, 'redis (worker) error'));

const service = await buildWhatsAppService({ config, db: database.db, producer, workerConnection, logger });

closeWithGrace({ delay: config.SHUTDOWN_GRACE_SECONDS * 1000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  service.app.health.markShuttingDown();
  await service.app.close();
  await service.worker.close();
  await Promise.all(Object.values(service.queues).map((q) => q.close()));
  producer.disconnect();
  workerConnection.disconnect();
  await database.close();
});

await service.app.listen({ host: config.HOST, port: config.PORT });
