import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, UNREACHABLE_REDIS_URL } from '@rappel/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCaptureTransport } from '../src/transports/capture-transport';
import { composeRawEmail } from '../src/transports/smtp-transport';
import { type Sender, startSender } from './harness';

let tdb: TestDatabase;
let dir: string;
let sender: Sender;

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'rappel-email-redis-down-'));
  const transport = createCaptureTransport({ dir, compose: composeRawEmail });
  sender = await startSender(tdb, transport, dir, UNREACHABLE_REDIS_URL);
});
afterAll(async () => {
  // A worker's graceful close waits for Redis: forced, as there is no job to let finish.
  await sender?.app.http.close();
  await sender?.app.worker.close(true);
  await sender?.app.queue.close();
  await rm(dir, { recursive: true, force: true });
  await tdb?.drop();
});

/** The value of rappel_dependency_up for `dependency` in a /metrics text. */
const dependencyUp = (metrics: string, dependency: string) =>
  new RegExp(`^rappel_dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)$`, 'm').exec(metrics)?.[1];

it('Redis down: /metrics still answers, says Redis is down and leaves the queue series out', async () => {
  // Without the Redis check the queue gauges wait for the connection and the scrape never ends.
  const res = await sender.app.http.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(dependencyUp(res.body, 'redis')).toBe('0');
  expect(dependencyUp(res.body, 'postgres')).toBe('1');
  expect(res.body).not.toMatch(/^rappel_queue_jobs\{/m);
});

it('Redis down: /readyz fails on Redis, which the sender cannot work without', async () => {
  const res = await sender.app.http.inject({ url: '/readyz' });
  expect(res.statusCode).toBe(503);
  expect(res.json().checks.postgres).toBe('ok');
  expect(res.json().checks.redis).not.toBe('ok');
});
