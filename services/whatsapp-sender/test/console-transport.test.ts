import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { createProducerConnection, createWorkerConnection } from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWhatsAppService, closeWhatsAppService, type WhatsAppService } from '../src/app';
import { loadWhatsAppSenderConfig } from '../src/config';

let tdb: TestDatabase;
let dir: string;
let prefix: string;
let producer: Redis;
let workerConnection: Redis;
let service: WhatsAppService;

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'rappel-whatsapp-'));
  prefix = uniqueQueuePrefix('whatsapp-console');
  producer = createProducerConnection(testEnv.redisUrl);
  workerConnection = createWorkerConnection(testEnv.redisUrl);
  const config = loadWhatsAppSenderConfig({
    DATABASE_URL: 'postgres://unused/unused',
    LINK_SIGNING_SECRET: 's'.repeat(32),
    QUEUE_PREFIX: prefix,
    WHATSAPP_CONSOLE_DIR: dir,
  });
  const logger = pino({ level: 'silent' });
  service = await buildWhatsAppService({ config, db: tdb.db, producer, workerConnection, logger });
});
afterAll(async () => {
  await closeWhatsAppService(service);
  producer.disconnect();
  workerConnection.disconnect();
  await cleanupPrefix(prefix);
  await rm(dir, { recursive: true, force: true });
  await tdb.drop();
});

describe('console transport (no Twilio credentials)', () => {
  it('records what would have been sent and lists it on a French page', async () => {
    expect(service.sender.provider).toBe('console');
    const f = fixtures(tdb.db);
    const scene = await f.scene({ whatsapp: true });
    const { loan } = await f.loanWithPlan({
      departmentId: scene.department.id,
      itemId: scene.item.id,
      responsibleUserId: scene.staff.id,
      clientId: scene.client.id,
      startsAt: new Date(),
      dueAt: new Date(Date.now() + 86_400_000 * 3),
    });
    const rows = notificationRowsFor(
      { kind: 'loan_created', departmentId: scene.department.id, loanId: loan.id, occurrence: '1' },
      (await loadBorrower(tdb.db, loan.id))!,
      { recordSkipped: false },
    ).filter((r) => r.channel === 'whatsapp');
    const [row] = await insertNotifications(tdb.db, rows);
    const job = { id: row!.id, data: { notificationId: row!.id }, attemptsMade: 0, opts: {} } as never;
    await service.processor(job);

    const [line] = (await readFile(join(dir, 'messages.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ notificationId: row!.id, to: 'whatsapp:+24106123456' });
    const page = await service.app.inject({ method: 'GET', url: '/whatsapp' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Messages WhatsApp');
    expect(page.body).toContain('Aucun identifiant Twilio');
    expect(page.body).toContain(scene.item.inventoryNumber);
  });

  it('refuses Twilio webhooks, which it cannot verify', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/twilio/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
      payload: 'MessageSid=SM1&MessageStatus=delivered',
    });
    expect(res.statusCode).toBe(403);
  });

  it('answers the probes and metrics', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    expect((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('rappel_deliveries_total');
  });
});
