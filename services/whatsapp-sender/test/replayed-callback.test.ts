import { randomBytes, randomInt } from 'node:crypto';
import { notificationEvents, notificationLog } from '@rappel/db';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { createProducerConnection, createWorkerConnection } from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  type Fixtures,
  fixtures,
  type SignedTwilioRequest,
  startTwilioContractServer,
  type TestDatabase,
  type TwilioContractServer,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWhatsAppService, closeWhatsAppService, type WhatsAppService } from '../src/app';
import { loadWhatsAppSenderConfig } from '../src/config';

/** Replayed Twilio status callbacks, validly signed: the second delivery changes nothing. */

const STATUS_URL = 'https://rappel.example/twilio/status';

let tdb: TestDatabase;
let f: Fixtures;
let twilio: TwilioContractServer;
let prefix: string;
let producer: Redis;
let workerConnection: Redis;
let service: WhatsAppService;

beforeAll(async () => {
  tdb = await createTestDatabase();
  f = fixtures(tdb.db);
  twilio = await startTwilioContractServer();
  prefix = uniqueQueuePrefix('wa-replay');
  producer = createProducerConnection(testEnv.redisUrl);
  workerConnection = createWorkerConnection(testEnv.redisUrl);
  const config = loadWhatsAppSenderConfig({
    DATABASE_URL: 'postgres://unused/unused',
    LINK_SIGNING_SECRET: 's'.repeat(32),
    QUEUE_PREFIX: prefix,
    PUBLIC_BASE_URL: 'https://rappel.example',
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
    TWILIO_API_BASE_URL: twilio.url,
    TWILIO_STATUS_CALLBACK_URL: STATUS_URL,
  });
  service = await buildWhatsAppService({
    config,
    db: tdb.db,
    producer,
    workerConnection,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await closeWhatsAppService(service);
  producer.disconnect();
  workerConnection.disconnect();
  await cleanupPrefix(prefix);
  await twilio.close();
  await tdb.drop();
});

/** A WhatsApp row already accepted by Twilio (status sent, with its message SID). */
async function sentRow() {
  const phone = `+2410613${String(randomInt(10_000)).padStart(4, '0')}`;
  const department = await f.department();
  const staff = await f.user(department.id);
  const client = await f.client(department.id, { phone });
  await f.preferences(
    { clientId: client.id },
    {
      whatsappEnabled: true,
      whatsappNumber: phone,
      whatsappConsentSource: 'desk',
      whatsappConsentAt: new Date(),
    },
  );
  const item = await f.item(department.id);
  const { loan } = await f.loanWithPlan({
    departmentId: department.id,
    itemId: item.id,
    responsibleUserId: staff.id,
    clientId: client.id,
    startsAt: new Date(Date.now() - 3_600_000),
    dueAt: new Date(Date.now() + 3 * 86_400_000),
  });
  const borrower = await loadBorrower(tdb.db, loan.id);
  const rows = notificationRowsFor(
    { kind: 'loan_created', departmentId: department.id, loanId: loan.id, occurrence: '1' },
    borrower!,
    { recordSkipped: false },
  );
  const row = (await insertNotifications(tdb.db, rows)).find((r) => r.channel === 'whatsapp')!;
  const sid = `SM${randomBytes(16).toString('hex')}`;
  await tdb.db
    .update(notificationLog)
    .set({ status: 'sent', providerMessageId: sid, sentAt: new Date() })
    .where(eq(notificationLog.id, row.id));
  return { id: row.id, sid };
}

const inject = (request: SignedTwilioRequest) =>
  service.app.inject({
    method: 'POST',
    url: '/twilio/status',
    headers: request.headers,
    payload: request.body,
  });

async function state(id: string) {
  const [row] = await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, id));
  const events = await tdb.db
    .select()
    .from(notificationEvents)
    .where(eq(notificationEvents.notificationId, id));
  const rows = await tdb.db.select().from(notificationLog);
  return { row, events: events.length, rows: rows.length };
}

describe('replayed status callbacks', () => {
  it('the same signed callback posted twice changes nothing the second time', async () => {
    const { id, sid } = await sentRow();
    const delivered = twilio.statusCallback(sid, 'delivered', { url: STATUS_URL });
    expect((await inject(delivered)).statusCode).toBe(204);
    const first = await state(id);
    expect(first.row?.status).toBe('delivered');
    expect((await inject(delivered)).statusCode).toBe(204);
    const second = await state(id);
    console.log(`replay: events after first ${first.events}, after replay ${second.events}`);
    expect(second).toEqual(first);
  });

  it('an old callback replayed after a newer status changes nothing the second time', async () => {
    const { id, sid } = await sentRow();
    const delivered = twilio.statusCallback(sid, 'delivered', { url: STATUS_URL });
    expect((await inject(delivered)).statusCode).toBe(204);
    expect((await inject(twilio.statusCallback(sid, 'read', { url: STATUS_URL }))).statusCode).toBe(204);
    const afterRead = await state(id);
    expect(afterRead.row?.status).toBe('read');
    for (const replay of [delivered, twilio.statusCallback(sid, 'read', { url: STATUS_URL })])
      expect((await inject(replay)).statusCode).toBe(204);
    const after = await state(id);
    console.log(`old replay: events after read ${afterRead.events}, after replays ${after.events}`);
    expect(after).toEqual(afterRead);
  });

  it('a callback signed for another URL is refused with 403 and changes nothing', async () => {
    const { id, sid } = await sentRow();
    const before = await state(id);
    for (const url of ['https://evil.test/twilio/status', 'https://rappel.example/twilio/inbound']) {
      const res = await inject(twilio.statusCallback(sid, 'delivered', { url }));
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'INVALID_TWILIO_SIGNATURE' });
    }
    expect(await state(id)).toEqual(before);
  });
});
