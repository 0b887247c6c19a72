import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { fixtures, type TestDatabase } from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsAppService } from '../src/app';
import { startWhatsAppHarness, type WhatsAppHarness } from './harness';

let h: WhatsAppHarness;
let tdb: TestDatabase;
let dir: string;
let service: WhatsAppService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rappel-whatsapp-'));
  h = await startWhatsAppHarness('whatsapp-console', { WHATSAPP_CONSOLE_DIR: dir });
  ({ tdb, service } = h);
});
afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
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
