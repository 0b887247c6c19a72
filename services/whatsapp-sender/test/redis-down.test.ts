import { notificationEvents, notificationLog, notificationPreferences } from '@rappel/db';
import {
  startTwilioContractServer,
  type TwilioContractServer,
  UNREACHABLE_REDIS_URL,
  waitFor,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STATUS_URL, startWhatsAppHarness, twilioEnv, type WhatsAppHarness, whatsappRow } from './harness';

const INBOUND_URL = 'https://rappel.example/twilio/inbound';

let twilio: TwilioContractServer;
let h: WhatsAppHarness;
beforeAll(async () => {
  twilio = await startTwilioContractServer();
  h = await startWhatsAppHarness('wa-redis-down', { ...twilioEnv(twilio), REDIS_URL: UNREACHABLE_REDIS_URL });
});
afterAll(async () => {
  // A worker's graceful close waits for Redis: forced, as there is no job to let finish.
  await h?.service.worker.close(true);
  await h?.close();
  await twilio?.close();
});

/** The value of rappel_dependency_up for `dependency` in a /metrics text. */
const dependencyUp = (metrics: string, dependency: string) =>
  new RegExp(`^rappel_dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)$`, 'm').exec(metrics)?.[1];

it('Redis down: /readyz stays 200 (Redis reported, not required) and /metrics answers that Redis is down', async () => {
  const ready = await h.service.app.inject({ url: '/readyz' });
  expect(ready.statusCode, ready.body).toBe(200);
  expect(ready.json()).toMatchObject({ status: 'degraded', checks: { postgres: 'ok', worker: 'ok' } });
  expect(ready.json().reported.redis).not.toBe('ok');
  const metrics = (await h.service.app.inject({ url: '/metrics' })).body;
  expect(dependencyUp(metrics, 'redis')).toBe('0');
  expect(dependencyUp(metrics, 'postgres')).toBe('1');
});

it('Redis down: an inbound STOP is taken and recorded', async () => {
  const { phone, client } = await whatsappRow(h);
  const stop = twilio.inboundMessage({ from: `whatsapp:${phone}`, body: 'STOP', url: INBOUND_URL });
  const res = await h.service.app.inject({
    method: 'POST',
    url: '/twilio/inbound',
    headers: stop.headers,
    payload: stop.body,
  });
  expect(res.statusCode, res.body).toBe(200);
  const [prefs] = await h.tdb.db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.clientId, client.id));
  expect(prefs).toMatchObject({ whatsappEnabled: false, whatsappOptOutReason: 'inbound_stop' });
});

it('Redis down: a failed status callback writes its fallback e-mail and leaves it pending for the relay', async () => {
  const { row } = await whatsappRow(h, { email: 'switched on since' });
  const sid = `SM${'d'.repeat(32)}`;
  await h.tdb.db
    .update(notificationLog)
    .set({ status: 'sent', providerMessageId: sid, sentAt: new Date() })
    .where(eq(notificationLog.id, row.id));
  const callback = twilio.statusCallback(sid, 'undelivered', { errorCode: 63024, url: STATUS_URL });
  const res = await h.service.app.inject({
    method: 'POST',
    url: '/twilio/status',
    headers: callback.headers,
    payload: callback.body,
  });
  expect(res.statusCode, res.body).toBe(204);

  const [whatsapp] = await h.tdb.db.select().from(notificationLog).where(eq(notificationLog.id, row.id));
  expect(whatsapp).toMatchObject({ status: 'undelivered', errorCode: '63024' });
  const fallbacks = await h.tdb.db
    .select()
    .from(notificationLog)
    .where(eq(notificationLog.replacesId, row.id));
  expect(fallbacks).toHaveLength(1);
  // Committed, never published: `pending`, untouched by any worker, which is what the
  // scheduler's relay queues (services/reminder-scheduler/src/jobs/relay.ts).
  expect(fallbacks[0]).toMatchObject({
    channel: 'email',
    occurrence: '1:fallback',
    status: 'pending',
    attempts: 0,
    leaseUntil: null,
  });
  const events = await h.tdb.db
    .select()
    .from(notificationEvents)
    .where(eq(notificationEvents.notificationId, row.id));
  expect(events.filter((e) => e.type === 'fallback').map((e) => e.detail)).toEqual([
    { channel: 'email', notificationId: fallbacks[0]!.id },
  ]);
});

it('Redis up: /readyz reports it ok, and rappel_dependency_up is 1', async () => {
  const up = await startWhatsAppHarness('wa-redis-up', twilioEnv(twilio));
  try {
    // The producer connects on its own after start; until then Redis reads as down.
    const ready = await waitFor(
      async () => {
        const res = await up.service.app.inject({ url: '/readyz' });
        return res.json().status === 'ok' ? res : undefined;
      },
      { message: 'Redis reported ok' },
    );
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', worker: 'ok' },
      reported: { redis: 'ok' },
    });
    const metrics = (await up.service.app.inject({ url: '/metrics' })).body;
    expect(dependencyUp(metrics, 'redis')).toBe('1');
    expect(metrics).toMatch(/^rappel_queue_jobs\{queue="whatsapp",state="waiting"/m);
  } finally {
    await up.close();
  }
});
