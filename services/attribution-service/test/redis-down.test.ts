import { UNREACHABLE_REDIS_URL } from '@rappel/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ redisUrl: UNREACHABLE_REDIS_URL });
});
afterAll(() => h.close());

/** The value of rappel_dependency_up for `dependency` in a /metrics text. */
const dependencyUp = (metrics: string, dependency: string) =>
  new RegExp(`^rappel_dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)$`, 'm').exec(metrics)?.[1];

it('Redis down: /readyz stays 200 (Redis is reported, not required) and the metrics say Redis is down', async () => {
  const ready = await h.app.inject({ url: '/readyz' });
  expect(ready.statusCode, ready.body).toBe(200);
  expect(ready.json()).toMatchObject({ status: 'degraded', checks: { postgres: 'ok' } });
  expect(ready.json().reported.redis).not.toBe('ok');
  const metrics = (await h.app.inject({ url: '/metrics' })).body;
  expect(dependencyUp(metrics, 'redis')).toBe('0');
  expect(dependencyUp(metrics, 'postgres')).toBe('1');
});

it('Redis up: /readyz reports it ok, and rappel_dependency_up is 1', async () => {
  const up = await startHarness();
  try {
    const ready = await up.app.inject({ url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok' }, reported: { redis: 'ok' } });
    expect(dependencyUp((await up.app.inject({ url: '/metrics' })).body, 'redis')).toBe('1');
  } finally {
    await up.close();
  }
});

it('Redis down: the loan is still created (201) and its rows stay pending for the relay', async () => {
  const s = await h.fx.scene({ whatsapp: true });
  const res = await h.api('POST', '/v1/loans', {
    itemId: s.item.id,
    clientId: s.client.id,
    responsibleUserId: s.staff.id,
    dueDate: '2026-12-04',
  });
  expect(res.statusCode).toBe(201);
  const rows = await h.logRows(res.json().loan.id);
  expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
    ['email', 'pending'],
    ['whatsapp', 'pending'],
  ]);
  expect((await h.planRows(res.json().loan.id)).length).toBeGreaterThan(0);

  const returned = await h.api('POST', `/v1/loans/${res.json().loan.id}/return`);
  expect(returned.statusCode).toBe(200);
  expect(returned.json().notifications.every((n: { status: string }) => n.status === 'pending')).toBe(true);
});
