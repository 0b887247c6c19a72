import { createProducerConnection, createWorkerConnection } from '@rappel/queue';
import {
  createTestDatabase,
  type TestDatabase,
  UNREACHABLE_REDIS_URL,
  uniqueQueuePrefix,
} from '@rappel/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSchedulerApp, type SchedulerApp } from '../src/app';
import { parseSchedulerConfig } from '../src/config';
import { silentLogger } from './harness';

let tdb: TestDatabase;
let app: SchedulerApp;
const connections: Redis[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  const config = parseSchedulerConfig({
    DATABASE_URL: tdb.url,
    REDIS_URL: UNREACHABLE_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix('sched-redis-down'),
    LOG_LEVEL: 'silent',
  });
  const producer = createProducerConnection(UNREACHABLE_REDIS_URL);
  const workerConnection = createWorkerConnection(UNREACHABLE_REDIS_URL);
  for (const c of [producer, workerConnection]) {
    c.on('error', () => {});
    connections.push(c);
  }
  // Built, not started: start() registers the job schedulers, which waits for Redis.
  app = await buildSchedulerApp({
    config,
    db: tdb.db,
    sql: tdb.sql,
    producer,
    workerConnection,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await app?.http.close();
  for (const c of connections) c.disconnect();
  await tdb?.drop();
});

/** The value of rappel_dependency_up for `dependency` in a /metrics text. */
const dependencyUp = (metrics: string, dependency: string) =>
  new RegExp(`^rappel_dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)$`, 'm').exec(metrics)?.[1];

it('Redis down: /metrics still answers and says which dependency is down (rappel_dependency_up)', async () => {
  // The queue gauges are read only while Redis answers its check: a BullMQ call can wait for its
  // connection, and the scrape would take the scheduler's own series (last tick) down with it.
  const res = await app.http.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(dependencyUp(res.body, 'redis')).toBe('0');
  expect(dependencyUp(res.body, 'postgres')).toBe('1');
  expect(res.body).not.toMatch(/^rappel_queue_jobs\{/m);
});
