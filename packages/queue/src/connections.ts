import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producer profile: an HTTP request must never wait on a Redis that is down. Commands fail
 * at once while disconnected (no offline queue), and one retry at most per command.
 */
export function createProducerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}

/**
 * Worker profile: workers wait for Redis to come back rather than crash
 * (BullMQ requires `maxRetriesPerRequest: null` for blocking connections).
 */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
    ...options,
  });
}

/** Resolves when the connection is ready, or false after `timeoutMs` (never throws). */
export function waitUntilReady(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
