import { type ChildProcess, spawn } from 'node:child_process';
import { notificationEvents, notificationLog } from '@rappel/db';
import { freePort, waitFor } from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logRow, Session, startHarness } from './harness';

/**
 * stats-service whose Redis is down: a port nothing listens on, where a redis-server of this
 * file's own is started for the last test (the shared Redis on 6379 is never stopped).
 */
let h: Harness;
let port: number;
let redisServer: ChildProcess | null = null;
let admin: Session;
let manager: Session;

beforeAll(async () => {
  port = await freePort();
  h = await startHarness('redis-down', { REDIS_URL: `redis://127.0.0.1:${port}` });
  admin = new Session(h.app);
  manager = new Session(h.app);
  expect((await admin.signIn(h.users.superAdmin.email)).statusCode).toBe(303);
  expect((await manager.signIn(h.users.managerA.email)).statusCode).toBe(303);
});
afterAll(async () => {
  await h?.close();
  if (redisServer && redisServer.exitCode === null) {
    const exited = new Promise((resolve) => redisServer!.once('exit', resolve));
    redisServer.kill('SIGKILL');
    await exited;
  }
});

/** Fails the test (rather than hanging it) when the answer takes longer than `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The value of rappel_dependency_up for `dependency` in a /metrics text. */
const dependencyUp = (metrics: string, dependency: string) =>
  new RegExp(`^rappel_dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)$`, 'm').exec(metrics)?.[1];

const failedRow = () =>
  logRow(h, { departmentId: h.deptA.id, status: 'permanent_failure', channel: 'email', errorCode: '550' });

const eventsOf = (id: string) =>
  h.database.db.select().from(notificationEvents).where(eq(notificationEvents.notificationId, id));

const rowOf = async (id: string) =>
  (await h.database.db.select().from(notificationLog).where(eq(notificationLog.id, id)))[0]!;

describe('Redis down', () => {
  it('/readyz stays 200 with Redis reported failing, and /metrics answers with rappel_dependency_up', async () => {
    const ready = await within(3_000, h.app.inject({ url: '/readyz' }));
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { postgres: 'ok' } });
    expect(ready.json().checks).not.toHaveProperty('redis');
    expect(ready.json().reported.redis).not.toBe('ok');

    // The queue gauges are left out rather than waiting for Redis (and holding every metric).
    const metrics = await within(3_000, h.app.inject({ url: '/metrics' }));
    expect(metrics.statusCode).toBe(200);
    expect(dependencyUp(metrics.body, 'redis')).toBe('0');
    expect(dependencyUp(metrics.body, 'postgres')).toBe('1');
    expect(metrics.body).not.toMatch(/^rappel_queue_jobs\{/m);
    expect(metrics.body).toMatch(/^# TYPE rappel_notifications_total gauge$/m);
  });

  it('serves the dashboard, the history, a message, the CSV, the stats API and the preferences page', async () => {
    const row = await logRow(h, { departmentId: h.deptA.id, status: 'sent', sentAt: new Date() });
    for (const url of [
      '/',
      '/notifications',
      `/notifications/${row.id}`,
      '/v1/stats',
      '/v1/notifications',
      '/v1/notifications.csv',
      '/preferences',
    ]) {
      const res = await within(3_000, manager.request('GET', url));
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
    }
  });

  it('a replay from the page is kept: rows pending for the relay, said so in French, at once', async () => {
    const row = await failedRow();
    const token = await manager.formToken(`/notifications/${row.id}`);
    const started = Date.now();
    const res = await within(
      5_000,
      manager.request('POST', `/notifications/${row.id}/replay`, { form: { _csrf: token } }),
    );
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/notifications/${row.id}?replayed=1&queued=0`);
    const page = await manager.request('GET', res.headers.location as string);
    expect(page.body).toContain(
      '1 message(s) remis en attente. La file d’envoi (Redis) ne répond pas : ils partiront d’eux-mêmes dès son retour.',
    );
    const english = await manager.request('GET', `${res.headers.location}&lang=en`);
    expect(english.body).toContain(
      '1 message(s) set back to pending. The sending queue (Redis) is not answering',
    );
    await manager.request('GET', '/notifications?lang=fr');

    expect((await rowOf(row.id)).status).toBe('pending');
    const events = await eventsOf(row.id);
    expect(events.map((e) => e.type)).toEqual(['replayed']);
    expect(events[0]).toMatchObject({ actor: h.users.managerA.id, status: 'pending' });
  });

  it('a replay through the API answers 202 with nothing queued, the rows pending', async () => {
    const row = await failedRow();
    const res = await within(5_000, manager.post(`/v1/notifications/${row.id}/replay`));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ replayed: [row.id], queued: 0 });
    expect((await rowOf(row.id)).status).toBe('pending');
  });

  it('Bull Board answers a 503 page at once, French by default and English on request', async () => {
    const page = await within(3_000, admin.request('GET', '/queues'));
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Files indisponibles');
    expect(page.body).toContain('La file d’envoi (Redis) ne répond pas');
    expect(page.body).not.toMatch(/stack|Error:|at .*\.js/);

    const english = await within(3_000, admin.request('GET', '/queues?lang=en'));
    expect(english.statusCode).toBe(503);
    expect(english.body).toContain('Queues unavailable');
    await admin.request('GET', '/preferences?lang=fr');

    // The board's own JSON API, which an open board polls.
    const api = await within(3_000, admin.request('GET', '/queues/api/queues'));
    expect(api.statusCode).toBe(503);
    expect(api.json()).toMatchObject({ statusCode: 503, code: 'QUEUES_UNAVAILABLE' });

    // Still for super admins only, Redis or not.
    expect((await manager.request('GET', '/queues')).statusCode).toBe(403);
  });
});

describe('Redis back', () => {
  it('/readyz says ok, Bull Board opens, and a replay queues its job again', async () => {
    redisServer = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        const res = await h.app.inject({ url: '/readyz' });
        return res.json().status === 'ok';
      },
      { timeoutMs: 15_000, intervalMs: 200, message: 'stats-service to see Redis again' },
    );
    expect((await within(5_000, admin.request('GET', '/queues'))).statusCode).toBe(200);
    expect((await within(5_000, admin.request('GET', '/queues/api/queues'))).statusCode).toBe(200);

    const row = await failedRow();
    const res = await within(5_000, manager.post(`/v1/notifications/${row.id}/replay`));
    expect(res.json()).toEqual({ replayed: [row.id], queued: 1 });
    expect(await h.queues.email.getJob(row.id)).toBeTruthy();
  });
});
