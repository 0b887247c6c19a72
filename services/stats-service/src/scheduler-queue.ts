import { QUEUE_NAMES } from '@rappel/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** stats-service only reads the `scheduler` queue (Bull Board, queue gauges); it never adds to it. */
export function createSchedulerQueue(
  connection: Redis,
  prefix: string,
  onError: (error: Error) => void,
): Queue {
  const queue = new Queue(QUEUE_NAMES.scheduler, { connection, prefix });
  queue.on('error', onError);
  return queue;
}
