import {
  type Channel,
  type DeliveryJob,
  deliveryJobSchema,
  type NotificationKind,
  QUEUE_NAMES,
  queueForChannel,
} from '@rappel/contracts';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_RETRY_POLICY, DELIVERY_BACKOFF_TYPE, type RetryPolicy } from './retry-policy';

export type DeliveryQueues = Record<Channel, Queue<DeliveryJob, void, NotificationKind>>;

export interface DeliveryQueueOptions {
  connection: Redis;
  /** BullMQ key prefix. */
  prefix: string;
  retryPolicy?: RetryPolicy;
  /** Receives each queue's `error` events (Redis down…); every queue must have a listener. */
  onError: (error: Error, queue: string) => void;
}

/** Job options every delivery job gets: attempts and backoff from the retry policy. */
export function deliveryJobOptions(policy: RetryPolicy = DEFAULT_RETRY_POLICY): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: DELIVERY_BACKOFF_TYPE },
    // Postgres keeps the history; Redis keeps a short tail for Bull Board.
    removeOnComplete: { age: 24 * 3600, count: 5_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function createDeliveryQueues({
  connection,
  prefix,
  retryPolicy,
  onError,
}: DeliveryQueueOptions): DeliveryQueues {
  const defaultJobOptions = deliveryJobOptions(retryPolicy);
  const make = (name: string) => {
    const queue = new Queue<DeliveryJob, void, NotificationKind>(name, {
      connection,
      prefix,
      defaultJobOptions,
    });
    queue.on('error', (error) => onError(error, name));
    return queue;
  };
  return { email: make(QUEUE_NAMES.email), whatsapp: make(QUEUE_NAMES.whatsapp) };
}

export async function closeDeliveryQueues(queues: DeliveryQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/** What the publisher needs to know of a notification_log row. */
export interface PublishableRow {
  id: string;
  channel: Channel;
  kind: NotificationKind;
  /** Delay before the job may run, in milliseconds (a due `failed` row: 0). */
  delayMs?: number;
}

/**
 * Adds one job per row, `jobId` = row id, so a row whose job is still alive is never
 * queued twice (BullMQ ignores an add with an existing job id).
 */
export async function publishRows(queues: DeliveryQueues, rows: readonly PublishableRow[]): Promise<void> {
  const byChannel = new Map<Channel, PublishableRow[]>();
  for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  const jobOf = (row: PublishableRow) => ({
    name: row.kind,
    data: deliveryJobSchema.parse({ notificationId: row.id }),
    opts: { jobId: row.id, ...(row.delayMs ? { delay: row.delayMs } : {}) },
  });
  await Promise.all(
    [...byChannel].map(([channel, list]) => {
      // One job (a new loan's message on each channel): add, not addBulk, whose ioredis
      // pipeline copies every command and Lua script of the connection onto itself first.
      if (list.length > 1) return queues[channel].addBulk(list.map(jobOf));
      const { name, data, opts } = jobOf(list[0]!);
      return queues[channel].add(name, data, opts);
    }),
  );
}

/**
 * For the relay and for replays: makes sure each row has a live job. A finished job left in
 * Redis under the same id (completed or failed) would swallow a plain add, so it is removed
 * first; a waiting, delayed or active job is left alone. Returns the rows actually queued.
 */
export async function ensureQueued(
  queues: DeliveryQueues,
  rows: readonly PublishableRow[],
): Promise<PublishableRow[]> {
  const queued: PublishableRow[] = [];
  for (const row of rows) {
    const queue = queues[queueForChannel(row.channel) as Channel];
    const existing = await queue.getJob(row.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      await existing.remove();
    }
    queued.push(row);
  }
  if (queued.length > 0) await publishRows(queues, queued);
  return queued;
}
