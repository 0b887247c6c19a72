import { SCHEDULER_JOBS } from '@rappel/contracts';
import { createProducerConnection, createWorkerConnection, waitUntilReady } from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
  waitFor,
} from '@rappel/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchedulerApp, type SchedulerApp } from '../src/app';
import { parseSchedulerConfig } from '../src/config';
import { silentLogger } from './harness';

let tdb: TestDatabase;
const prefix = uniqueQueuePrefix('sched-app');
const apps: SchedulerApp[] = [];
const connections: Redis[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  const config = parseSchedulerConfig({
    DATABASE_URL: tdb.url,
    REDIS_URL: testEnv.redisUrl,
    QUEUE_PREFIX: prefix,
    APP_TIMEZONE: 'Europe/Paris',
    FIRE_INTERVAL_SECONDS: '1',
    JOB_SCHEDULER_CHECK_SECONDS: '1',
    LOG_LEVEL: 'silent',
  });
  // Three replicas starting together against one Redis.
  for (let i = 0; i < 3; i++) {
    const producer = createProducerConnection(testEnv.redisUrl);
    const workerConnection = createWorkerConnection(testEnv.redisUrl);
    connections.push(producer, workerConnection);
    await waitUntilReady(producer);
    apps.push(
      await buildSchedulerApp({
        config,
        db: tdb.db,
        sql: tdb.sql,
        producer,
        workerConnection,
        logger: silentLogger,
      }),
    );
  }
  await Promise.all(apps.map((a) => a.start()));
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const c of connections) c.disconnect();
  await cleanupPrefix(prefix);
  await tdb.drop();
});

describe('scheduler app', () => {
  it('registers each job scheduler once, whatever the number of replicas', async () => {
    const schedulers = await apps[0]!.schedulerQueue.getJobSchedulers();
    expect(schedulers).toHaveLength(4);
    const byId = Object.fromEntries(schedulers.map((s) => [s.key, s]));
    expect(byId[SCHEDULER_JOBS.fireDueReminders]).toMatchObject({ every: 1000 });
    expect(byId[SCHEDULER_JOBS.relay]).toMatchObject({ every: 30_000 });
    expect(byId[SCHEDULER_JOBS.retention]).toMatchObject({ pattern: '0 2 * * *', tz: 'Europe/Paris' });
    expect(byId[SCHEDULER_JOBS.dailyReport]).toMatchObject({ pattern: '30 7 * * *', tz: 'Europe/Paris' });
  });

  it('ticks, and says so on /metrics; probes answer', async () => {
    const tickLine = 'rappel_scheduler_last_tick_seconds{scheduler_job="fire-due-reminders"';
    await waitFor(
      async () => {
        for (const app of apps) {
          const res = await app.http.inject({ url: '/metrics' });
          if (res.body.includes(tickLine)) return true;
        }
        return false;
      },
      { timeoutMs: 15_000, message: 'a fire-due-reminders tick' },
    );
    const app = apps[0]!;
    expect((await app.http.inject({ url: '/livez' })).statusCode).toBe(200);
    const ready = await app.http.inject({ url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', worker: 'ok' } });
    const metrics = (await app.http.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rappel_queue_jobs{queue="scheduler"');
    app.http.health.markShuttingDown();
    expect((await app.http.inject({ url: '/readyz' })).statusCode).toBe(503);
  });

  it('registers the job schedulers again when Redis has forgotten them', async () => {
    // What a Redis restarted without persistence looks like to the scheduler: no schedulers left.
    const queue = apps[0]!.schedulerQueue;
    for (const id of Object.values(SCHEDULER_JOBS)) await queue.removeJobScheduler(id);
    expect(await queue.getJobSchedulersCount()).toBe(0);
    const back = await waitFor(
      async () => {
        const schedulers = await queue.getJobSchedulers();
        return schedulers.length === 4 ? schedulers : undefined;
      },
      { timeoutMs: 10_000, message: 'the job schedulers to be registered again' },
    );
    const byId = Object.fromEntries(back.map((s) => [s.key, s]));
    expect(byId[SCHEDULER_JOBS.fireDueReminders]).toMatchObject({ every: 1000 });
    expect(byId[SCHEDULER_JOBS.dailyReport]).toMatchObject({ pattern: '30 7 * * *', tz: 'Europe/Paris' });
  });
});
