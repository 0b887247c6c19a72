/**
 * Scenario 7: scenario 6 with its Redis killed (no persistence) a third of the way through the
 * reminders, and started again empty after the outage. Jobs, retries and job schedulers are
 * lost; the schedulers register their job schedulers again, the relay queues every row that has
 * no live job, and every message still arrives exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from '../src/ledger';
import { realtimeSize, runRealtime, startRealtime } from '../src/realtime';
import { SCALE } from '../src/scale';
import type { Scenario } from '../src/scenario';

let s: Scenario;

beforeAll(async () => {
  s = await startRealtime('replicas-redis');
});

afterAll(async () => {
  await s?.close();
});

describe('Redis killed in the middle of the real-time run', () => {
  it('loses nothing and sends nothing twice', async () => {
    const result = await runRealtime(s, {
      ...realtimeSize,
      during: async () => {
        await s.redis.kill();
        await new Promise((r) => setTimeout(r, SCALE.redisOutageSeconds * 1_000));
        await s.redis.start();
      },
    });
    report('7 replicas-redis-outage', result.counts, {
      loans: result.loans,
      outageSeconds: SCALE.redisOutageSeconds,
      latencyMaxSeconds: result.latency.max.toFixed(1),
      rows: JSON.stringify(result.statuses),
    });
    expect(result.counts).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0 });
    expect(result.statuses).toEqual({ sent: 2 * result.loans });
  });
});
