import { randomBytes } from 'node:crypto';
import { notificationEvents, notificationLog } from '@rappel/db';
import {
  type SignedTwilioRequest,
  startTwilioContractServer,
  type TwilioContractServer,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsAppService } from '../src/app';
import { STATUS_URL, startWhatsAppHarness, twilioEnv, type WhatsAppHarness, whatsappRow } from './harness';

/** Replayed Twilio status callbacks, validly signed: the second delivery changes nothing. */

let h: WhatsAppHarness;
let twilio: TwilioContractServer;
let service: WhatsAppService;

beforeAll(async () => {
  twilio = await startTwilioContractServer();
  h = await startWhatsAppHarness('wa-replay', twilioEnv(twilio));
  service = h.service;
});
afterAll(async () => {
  await h.close();
  await twilio.close();
});

/** A WhatsApp row already accepted by Twilio (status sent, with its message SID). */
async function sentRow() {
  const { row } = await whatsappRow(h, { numberPrefix: '+2410613' });
  const sid = `SM${randomBytes(16).toString('hex')}`;
  await h.tdb.db
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
  const [row] = await h.tdb.db.select().from(notificationLog).where(eq(notificationLog.id, id));
  const events = await h.tdb.db
    .select()
    .from(notificationEvents)
    .where(eq(notificationEvents.notificationId, id));
  const rows = await h.tdb.db.select().from(notificationLog);
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
