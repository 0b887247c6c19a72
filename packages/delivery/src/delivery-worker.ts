import { type Channel, QUEUE_NAMES } from '@rappel/contracts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, TransientDeliveryError } from '@rappel/queue';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface DeliveryWorkerOptions {
  channel: Channel;
  processor: (job: Job) => Promise<void>;
  /** A worker-profile connection (createWorkerConnection). */
  connection: Redis;
  prefix: string;
  logger: Logger;
  /** Jobs processed at once by this process. Default 10. */
  concurrency?: number;
  /** BullMQ rate limit: at most `max` jobs per `duration` milliseconds across all workers. */
  limiter?: { max: number; duration: number };
  retryPolicy?: RetryPolicy;
}

/**
 * A BullMQ worker on the channel's queue. The delay before a retry is the one the processor
 * already wrote to the row's next_attempt_at (carried on the error), so both agree.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): Worker {
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const worker = new Worker(QUEUE_NAMES[options.channel], options.processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 10,
    ...(options.limiter ? { limiter: options.limiter } : {}),
    settings: {
      backoffStrategy: (attemptsMade, _type, err) =>
        err instanceof TransientDeliveryError && err.retryDelayMs !== undefined
          ? err.retryDelayMs
          : retryDelayMs(attemptsMade, policy),
    },
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) =>
    options.logger.debug({ jobId: job?.id, code: (error as { code?: string }).code }, 'job attempt failed'),
  );
  return worker;
}
