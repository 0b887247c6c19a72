import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testEnv } from './env';

/** A BullMQ prefix no other test uses; `cleanupPrefix` deletes every key under it. */
export function uniqueQueuePrefix(label = 't'): string {
  return `rappel-test-${label}-${randomBytes(4).toString('hex')}`;
}

export async function cleanupPrefix(prefix: string, redisUrl = testEnv.redisUrl): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A Redis URL nothing listens on, to prove behaviour when Redis is down. */
export const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';
