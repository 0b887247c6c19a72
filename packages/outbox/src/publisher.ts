import { type DeliveryQueues, type PublishableRow, publishRows } from '@rappel/queue';
import type { Logger } from 'pino';

export interface OutboxPublisher {
  /**
   * Publishes rows after their transaction committed. Never throws: when Redis cannot take
   * them the rows stay `pending` and the scheduler's relay publishes them later. The failure
   * is logged once per call, not once per row.
   */
  publishAfterCommit(rows: readonly PublishableRow[]): Promise<{ published: boolean }>;
}

export interface OutboxPublisherOptions {
  queues: DeliveryQueues;
  logger: Logger;
  /** Milliseconds to wait for Redis before giving up on this publish. Default 2 000. */
  timeoutMs?: number;
}

export function createOutboxPublisher({
  queues,
  logger,
  timeoutMs = 2_000,
}: OutboxPublisherOptions): OutboxPublisher {
  return {
    async publishAfterCommit(rows) {
      if (rows.length === 0) return { published: true };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          publishRows(queues, rows),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
        return { published: true };
      } catch (error) {
        logger.warn(
          { err: error, rows: rows.length, notificationIds: rows.map((r) => r.id) },
          'could not publish notifications; they stay pending for the relay',
        );
        return { published: false };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
