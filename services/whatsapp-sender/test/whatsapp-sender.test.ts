import { randomInt } from 'node:crypto';
import type { Language, NotificationKind, NotificationStatus } from '@rappel/contracts';
import {
  clients,
  heldStatusCallbacks,
  notificationEvents,
  notificationLog,
  notificationPreferences,
} from '@rappel/db';
import { settle } from '@rappel/delivery';
import { publishRows } from '@rappel/queue';
import {
  type Fixtures,
  type SignedTwilioRequest,
  startTwilioContractServer,
  type TestDatabase,
  TWILIO_ERRORS,
  type TwilioContractServer,
  waitFor,
} from '@rappel/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsAppService } from '../src/app';
import {
  whatsappRow as makeWhatsappRow,
  STATUS_URL,
  startWhatsAppHarness,
  twilioEnv,
  WHATSAPP_FROM,
  type WhatsAppHarness,
} from './harness';

const fastRetry = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 };
const INBOUND_URL = 'https://rappel.example/twilio/inbound';
const CONTENT_SID = `HX${'c'.repeat(32)}`;

let h: WhatsAppHarness;
let tdb: TestDatabase;
let f: Fixtures;
let twilio: TwilioContractServer;
let service: WhatsAppService;

beforeAll(async () => {
  twilio = await startTwilioContractServer();
  h = await startWhatsAppHarness(
    'whatsapp',
    {
      ...twilioEnv(twilio),
      TWILIO_CONTENT_SIDS: JSON.stringify({ 'loan_returned:en': CONTENT_SID }),
      WHATSAPP_RATE_LIMIT_PER_SECOND: '1000',
    },
    fastRetry,
  );
  ({ tdb, f, service } = h);
});
afterEach(() => twilio.clearFailures());
afterAll(async () => {
  await h.close();
  await twilio.close();
});

/** A borrower with WhatsApp on, at a number no other test uses, and a pending WhatsApp row. */
const whatsappRow = (kind: NotificationKind = 'loan_created', language: Language = 'fr') =>
  makeWhatsappRow(h, { kind, language });

const rowOf = async (id: string) =>
  (await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, id)))[0]!;
const eventsOf = (id: string) =>
  tdb.db.select().from(notificationEvents).where(eq(notificationEvents.notificationId, id));
const settled = (id: string, status: NotificationStatus) =>
  waitFor(
    async () => {
      const row = await rowOf(id);
      return row.status === status && !row.leaseUntil ? row : undefined;
    },
    { message: `row ${id} to become ${status}` },
  );
const sentTo = (phone: string) => twilio.messages.filter((m) => m.resource.to === `whatsapp:${phone}`);

async function sendThroughWorker(
  kind: NotificationKind = 'loan_created',
  language: Language = 'fr',
  email: 'on' | 'switched on since' = 'on',
) {
  const made = await makeWhatsappRow(h, { kind, language, email });
  await publishRows(service.queues, [made.row]);
  const row = await settled(made.row.id, 'sent');
  return { ...made, row };
}

const inject = (
  path: string,
  request: SignedTwilioRequest,
  headers: Record<string, string> = request.headers,
) => service.app.inject({ method: 'POST', url: path, headers, payload: request.body });

describe('sending through Twilio', () => {
  it('sends free-form French text to whatsapp:+E164 from the configured sender, with a status callback', async () => {
    const { row, phone, item } = await sendThroughWorker('loan_created', 'fr');
    const [message] = sentTo(phone);
    expect(message?.params).toMatchObject({
      To: `whatsapp:${phone}`,
      From: WHATSAPP_FROM,
      StatusCallback: STATUS_URL,
    });
    expect(message?.params.Body).toContain(item.name);
    expect(message?.params.Body).toContain(item.inventoryNumber);
    expect(message?.params.Body).toContain('Bonjour Claire Martin');
    expect(message?.params.ContentSid).toBeUndefined();
    expect(row).toMatchObject({ providerMessageId: message?.resource.sid, attempts: 1 });
  });

  it('uses the approved Content template configured for the kind and language', async () => {
    const { loan, phone, item } = await whatsappRow('loan_returned', 'en');
    await tdb.db
      .update(notificationLog)
      .set({ status: 'pending' })
      .where(eq(notificationLog.loanId, loan.id));
    const [row] = await tdb.db
      .select()
      .from(notificationLog)
      .where(and(eq(notificationLog.loanId, loan.id), eq(notificationLog.channel, 'whatsapp')));
    await publishRows(service.queues, [{ id: row!.id, channel: 'whatsapp', kind: 'loan_returned' }]);
    await settled(row!.id, 'sent');
    const [message] = sentTo(phone);
    expect(message?.params).toMatchObject({
      To: `whatsapp:${phone}`,
      From: WHATSAPP_FROM,
      ContentSid: CONTENT_SID,
    });
    expect(message?.params.Body).toBeUndefined();
    const variables = JSON.parse(message?.params.ContentVariables as string);
    expect(variables).toMatchObject({ '1': 'Claire Martin', '2': item.name, '3': item.inventoryNumber });
    expect(variables['7']).toMatch(/^https:\/\/rappel\.example\/p\//);
  });

  it('retries after Twilio 429, then records sent', async () => {
    twilio.failNext(TWILIO_ERRORS.tooManyRequests);
    const { row, phone } = await sendThroughWorker();
    expect(row).toMatchObject({ attempts: 2, errorCode: '20429' });
    expect(sentTo(phone)).toHaveLength(1);
    expect((await eventsOf(row.id)).map((e) => e.type)).toEqual(['failed', 'sent']);
  });

  it('ends at once on 21211 and, its cause having made no e-mail, falls back to an e-mail row queued on `email`', async () => {
    const made = await makeWhatsappRow(h, { email: 'switched on since' });
    twilio.failFor(made.phone, TWILIO_ERRORS.invalidTo);
    await publishRows(service.queues, [made.row]);
    const failed = await settled(made.row.id, 'permanent_failure');
    expect(failed).toMatchObject({ attempts: 1, errorCode: '21211' });
    expect(twilio.requests.filter((r) => r.params.To === `whatsapp:${made.phone}`)).toHaveLength(1);

    const email = await waitFor(
      async () =>
        (await tdb.db.select().from(notificationLog).where(eq(notificationLog.replacesId, made.row.id)))[0],
      { message: 'the fallback e-mail row' },
    );
    expect(email).toMatchObject({
      channel: 'email',
      kind: 'loan_created',
      occurrence: '1:fallback',
      recipientAddress: made.client.email,
      status: 'pending',
    });
    const job = await service.queues.email.getJob(email.id);
    expect(job?.data).toEqual({ notificationId: email.id });
    expect(job?.name).toBe('loan_created');
    expect((await eventsOf(made.row.id)).map((e) => e.type)).toContain('fallback');
  });

  it('never sends twice when the same job is processed twice', async () => {
    const { row, phone } = await whatsappRow();
    const job = {
      id: row.id,
      data: { notificationId: row.id },
      attemptsMade: 0,
      opts: { attempts: 3 },
    } as never;
    await service.processor(job);
    await service.processor(job);
    expect(sentTo(phone)).toHaveLength(1);
    expect((await rowOf(row.id)).attempts).toBe(1);
  });

  it('talks to a contract server that really checks requests (no To → 21604)', async () => {
    const res = await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ From: WHATSAPP_FROM, Body: 'x' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(21604);
  });
});

describe('status callbacks', () => {
  it('refuses a missing or wrong signature with 403 and changes nothing', async () => {
    const { row } = await sendThroughWorker();
    const before = await eventsOf(row.id);
    const signed = twilio.statusCallback(row.providerMessageId!, 'delivered');
    const { 'x-twilio-signature': _drop, ...unsigned } = signed.headers;
    expect((await inject('/twilio/status', signed, unsigned)).statusCode).toBe(403);
    const forged = twilio.statusCallback(row.providerMessageId!, 'delivered', { signature: 'AAAA' });
    const res = await inject('/twilio/status', forged);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ statusCode: 403, code: 'INVALID_TWILIO_SIGNATURE' });
    // Signed for another URL: the signature covers the URL too.
    const elsewhere = twilio.statusCallback(row.providerMessageId!, 'delivered', {
      url: 'https://evil.test/x',
    });
    expect((await inject('/twilio/status', elsewhere)).statusCode).toBe(403);
    expect((await rowOf(row.id)).status).toBe('sent');
    expect(await eventsOf(row.id)).toHaveLength(before.length);
  });

  it('moves forward only, whatever order the callbacks arrive in', async () => {
    const { row } = await sendThroughWorker();
    const sid = row.providerMessageId!;
    expect((await inject('/twilio/status', twilio.statusCallback(sid, 'read'))).statusCode).toBe(204);
    const read = await rowOf(row.id);
    expect(read.status).toBe('read');
    expect(read.readAt).toBeInstanceOf(Date);
    expect(read.deliveredAt).toBeInstanceOf(Date);
    for (const late of ['delivered', 'sent', 'undelivered', 'failed'])
      expect((await inject('/twilio/status', twilio.statusCallback(sid, late))).statusCode).toBe(204);
    expect(await rowOf(row.id)).toMatchObject({ status: 'read', errorCode: null });
    const callbacks = (await eventsOf(row.id)).filter((e) => e.type === 'callback');
    expect(callbacks).toHaveLength(5);
    expect(callbacks.filter((e) => e.detail?.applied)).toHaveLength(1);
  });

  it('records delivered then read in order', async () => {
    const { row } = await sendThroughWorker();
    await inject('/twilio/status', twilio.statusCallback(row.providerMessageId!, 'delivered'));
    expect((await rowOf(row.id)).status).toBe('delivered');
    await inject('/twilio/status', twilio.statusCallback(row.providerMessageId!, 'read'));
    expect((await rowOf(row.id)).status).toBe('read');
  });

  it('records undelivered with its error code and falls back to e-mail once', async () => {
    const { row } = await sendThroughWorker('loan_created', 'fr', 'switched on since');
    const cb = twilio.statusCallback(row.providerMessageId!, 'undelivered', { errorCode: 63024 });
    expect((await inject('/twilio/status', cb)).statusCode).toBe(204);
    expect(await rowOf(row.id)).toMatchObject({ status: 'undelivered', errorCode: '63024' });
    await inject(
      '/twilio/status',
      twilio.statusCallback(row.providerMessageId!, 'failed', { errorCode: 63024 }),
    );
    const emails = await tdb.db.select().from(notificationLog).where(eq(notificationLog.replacesId, row.id));
    expect(emails).toHaveLength(1);
    expect(await service.queues.email.getJob(emails[0]!.id)).toBeDefined();
  });

  it('acknowledges a callback for an unknown SID and holds it once, over real HTTP too', async () => {
    const sid = `SM${'0'.repeat(32)}`;
    const cb = twilio.statusCallback(sid, 'delivered', { url: STATUS_URL });
    expect((await inject('/twilio/status', cb)).statusCode).toBe(204);
    const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
    expect((await twilio.post(cb, `${address}/twilio/status`)).status).toBe(204);
    const forged = twilio.statusCallback(sid, 'undelivered', { url: STATUS_URL, signature: 'bad' });
    expect((await twilio.post(forged, `${address}/twilio/status`)).status).toBe(403);
    const held = await tdb.db
      .select()
      .from(heldStatusCallbacks)
      .where(eq(heldStatusCallbacks.messageSid, sid));
    expect(held.map((c) => c.twilioStatus)).toEqual(['delivered']);
  });
});

describe('the e-mail fallback', () => {
  const emailsOf = (loanId: string) =>
    tdb.db
      .select()
      .from(notificationLog)
      .where(and(eq(notificationLog.loanId, loanId), eq(notificationLog.channel, 'email')));
  const fallbackEvents = async (id: string) => (await eventsOf(id)).filter((e) => e.type === 'fallback');
  /** Runs the worker on the row while Twilio refuses its number (21211, permanent). */
  async function failPermanently(id: string, phone: string) {
    twilio.failFor(phone, TWILIO_ERRORS.invalidTo);
    const job = { id, data: { notificationId: id }, attemptsMade: 0, opts: { attempts: 3 } } as never;
    await expect(service.processor(job)).rejects.toThrow();
    const failed = await rowOf(id);
    expect(failed).toMatchObject({ status: 'permanent_failure', errorCode: '21211' });
    return failed;
  }

  it('makes no second e-mail when the same message already goes by e-mail, and records why once', async () => {
    const { row, email, phone, loan } = await whatsappRow();
    expect(email).not.toBeNull();
    const failed = await failPermanently(row.id, phone);
    expect(failed).toMatchObject({ status: 'permanent_failure', errorCode: '21211' });

    expect((await emailsOf(loan.id)).map((e) => e.id)).toEqual([email!.id]);
    const [decision, ...more] = await fallbackEvents(row.id);
    expect(more).toHaveLength(0);
    expect(decision).toMatchObject({
      errorCode: '21211',
      actor: 'whatsapp-sender',
      detail: { channel: 'email', notificationId: email!.id, reason: 'already_by_email' },
    });
    // Asked again (a callback after the worker): still nothing made, nothing recorded twice.
    expect(await service.fallback(failed)).toBeNull();
    expect(await emailsOf(loan.id)).toHaveLength(1);
    expect(await fallbackEvents(row.id)).toHaveLength(1);
  });

  it('makes no second e-mail after an undelivered callback when the e-mail was sent', async () => {
    const { row, email, loan } = await sendThroughWorker();
    await tdb.db
      .update(notificationLog)
      .set({ status: 'sent', sentAt: new Date() })
      .where(eq(notificationLog.id, email!.id));
    for (const status of ['undelivered', 'failed'])
      expect(
        (
          await inject(
            '/twilio/status',
            twilio.statusCallback(row.providerMessageId!, status, { errorCode: 63024 }),
          )
        ).statusCode,
      ).toBe(204);
    expect((await rowOf(row.id)).status).toBe('undelivered');
    expect((await emailsOf(loan.id)).map((e) => e.id)).toEqual([email!.id]);
    expect((await fallbackEvents(row.id)).map((e) => e.detail)).toEqual([
      { channel: 'email', notificationId: email!.id, reason: 'already_by_email' },
    ]);
  });

  it('decides once when several paths ask at the same moment', async () => {
    const { row, email, loan } = await whatsappRow();
    await tdb.db
      .update(notificationLog)
      .set({ status: 'undelivered', errorCode: '63024' })
      .where(eq(notificationLog.id, row.id));
    const undelivered = await rowOf(row.id);
    expect(await Promise.all([1, 2, 3].map(() => service.fallback(undelivered)))).toEqual([null, null, null]);
    expect((await emailsOf(loan.id)).map((e) => e.id)).toEqual([email!.id]);
    expect(await fallbackEvents(row.id)).toHaveLength(1);
  });

  /** The e-mail's permanent failure as email-sender's worker records it (row and audit event). */
  async function emailFailedForGood(emailId: string, how: 'refused' | 'gave_up') {
    const [email] = await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, emailId));
    await settle(
      tdb.db,
      email!,
      how === 'refused'
        ? { status: 'permanent_failure', errorCode: '550', errorMessage: '550 5.1.1 no such user' }
        : {
            status: 'permanent_failure',
            errorCode: 'ECONNREFUSED',
            errorMessage: 'connect ECONNREFUSED',
            retriesExhausted: true,
          },
      new Date(),
      'email-sender',
    );
    expect((await rowOf(emailId)).status).toBe('permanent_failure');
  }

  it('makes no fallback when the e-mail of the same cause failed for good at the same address, and records why once', async () => {
    const { row, email, phone, loan } = await whatsappRow();
    await emailFailedForGood(email!.id, 'refused');
    const failed = await failPermanently(row.id, phone);
    expect((await emailsOf(loan.id)).map((e) => e.id)).toEqual([email!.id]);
    const [decision, ...more] = await fallbackEvents(row.id);
    expect(more).toHaveLength(0);
    expect(decision).toMatchObject({
      errorCode: '21211',
      actor: 'whatsapp-sender',
      detail: { channel: 'email', notificationId: email!.id, reason: 'email_failed' },
    });
    // Asked again (an undelivered callback after the worker): still nothing made or recorded.
    expect(await service.fallback(failed)).toBeNull();
    expect(await emailsOf(loan.id)).toHaveLength(1);
    expect(await fallbackEvents(row.id)).toHaveLength(1);
  });

  it('still falls back when the e-mail of the same cause was given up after its retries, not refused', async () => {
    const { row, email, phone, loan } = await whatsappRow();
    await emailFailedForGood(email!.id, 'gave_up');
    await failPermanently(row.id, phone);
    const fallback = (await emailsOf(loan.id)).find((e) => e.replacesId === row.id);
    expect(fallback).toMatchObject({ occurrence: '1:fallback', status: 'pending' });
    expect(fallback!.recipientAddress).toBe((await rowOf(email!.id)).recipientAddress);
    expect((await fallbackEvents(row.id)).map((e) => e.detail)).toEqual([
      { channel: 'email', notificationId: fallback!.id },
    ]);
  });

  it('still falls back when the e-mail of the same cause failed for good at an address changed since', async () => {
    const { row, email, phone, client, loan } = await whatsappRow();
    await tdb.db
      .update(notificationLog)
      .set({ status: 'permanent_failure', errorCode: '550' })
      .where(eq(notificationLog.id, email!.id));
    const corrected = `corrected.${client.email}`;
    await tdb.db.update(clients).set({ email: corrected }).where(eq(clients.id, client.id));
    await failPermanently(row.id, phone);
    const emails = await emailsOf(loan.id);
    expect(emails).toHaveLength(2);
    const fallback = emails.find((e) => e.replacesId === row.id);
    expect(fallback).toMatchObject({
      occurrence: '1:fallback',
      status: 'pending',
      recipientAddress: corrected,
    });
    expect(await service.queues.email.getJob(fallback!.id)).toBeDefined();
    expect((await fallbackEvents(row.id)).map((e) => e.detail)).toEqual([
      { channel: 'email', notificationId: fallback!.id },
    ]);
  });

  it('treats an address re-typed in another case as the same address', async () => {
    const { row, email, phone, client, loan } = await whatsappRow();
    await tdb.db
      .update(notificationLog)
      .set({ status: 'permanent_failure', errorCode: '550' })
      .where(eq(notificationLog.id, email!.id));
    await tdb.db.update(clients).set({ email: client.email!.toUpperCase() }).where(eq(clients.id, client.id));
    await failPermanently(row.id, phone);
    expect((await emailsOf(loan.id)).map((e) => e.id)).toEqual([email!.id]);
    expect((await fallbackEvents(row.id)).map((e) => e.detail)).toEqual([
      { channel: 'email', notificationId: email!.id, reason: 'email_failed' },
    ]);
  });

  it('honours the e-mail switch: e-mail off, no e-mail and nothing recorded, though the address is known', async () => {
    const { row, email, phone, client, loan } = await makeWhatsappRow(h, { email: 'off' });
    expect(email).toBeNull();
    expect(client.email).toBeTruthy();
    await failPermanently(row.id, phone);
    expect(await emailsOf(loan.id)).toHaveLength(0);
    expect(await fallbackEvents(row.id)).toHaveLength(0);
  });
});

describe('inbound STOP', () => {
  it('turns WhatsApp off for that number, records when and why, and skips what was pending', async () => {
    const { phone, client } = await whatsappRow();
    const stop = twilio.inboundMessage({ from: `whatsapp:${phone}`, body: '  Arrêt ', url: INBOUND_URL });
    const before = Date.now();
    const res = await inject('/twilio/inbound', stop);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    const [prefs] = await tdb.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.clientId, client.id));
    expect(prefs).toMatchObject({ whatsappEnabled: false, whatsappOptOutReason: 'inbound_stop' });
    expect(prefs!.whatsappOptOutAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // A message made before the STOP is not sent after it, its number written as E.164 (the
    // claim reads the STOP) or another way (looked up once normalised).
    const pending = await tdb.db
      .insert(notificationLog)
      .values(
        [phone, `${phone.slice(0, 4)} ${phone.slice(4, 6)} ${phone.slice(6)}`].map((address, i) => ({
          idempotencyKey: `test|${client.id}|stop|${i}`,
          departmentId: client.departmentId,
          kind: 'daily_report' as const,
          channel: 'whatsapp' as const,
          recipientType: 'client' as const,
          recipientId: client.id,
          recipientAddress: address,
        })),
      )
      .returning();
    await publishRows(
      service.queues,
      pending.map((row) => ({ id: row.id, channel: 'whatsapp' as const, kind: 'daily_report' as const })),
    );
    for (const row of pending) expect((await settled(row.id, 'skipped')).skipReason).toBe('opted_out');
  });

  it('turns off a client who had no preferences row, and ignores other words', async () => {
    const department = await f.department();
    const phone = `+2410745${String(randomInt(10_000)).padStart(4, '0')}`;
    const client = await f.client(department.id, { phone });
    const hello = twilio.inboundMessage({ from: `whatsapp:${phone}`, body: 'bonjour', url: INBOUND_URL });
    expect((await inject('/twilio/inbound', hello)).statusCode).toBe(200);
    const prefsOf = () =>
      tdb.db.select().from(notificationPreferences).where(eq(notificationPreferences.clientId, client.id));
    expect(await prefsOf()).toHaveLength(0);
    await inject(
      '/twilio/inbound',
      twilio.inboundMessage({ from: `whatsapp:${phone}`, body: 'STOP', url: INBOUND_URL }),
    );
    expect((await prefsOf())[0]).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
    });
  });

  it('leaves alone a profile whose phone is the number but whose WhatsApp goes to another one', async () => {
    const { phone: elsewhere, client: relative } = await whatsappRow();
    const phone = `+2410745${String(randomInt(10_000)).padStart(4, '0')}`;
    await tdb.db.update(clients).set({ phone }).where(eq(clients.id, relative.id));
    // The number's own profile, which the STOP does turn off: it shows the STOP was taken.
    const own = await f.client(relative.departmentId, { phone });
    const stop = twilio.inboundMessage({ from: `whatsapp:${phone}`, body: 'STOP', url: INBOUND_URL });
    expect((await inject('/twilio/inbound', stop)).statusCode).toBe(200);
    const prefsOf = (clientId: string) =>
      tdb.db.select().from(notificationPreferences).where(eq(notificationPreferences.clientId, clientId));
    expect((await prefsOf(own.id))[0]).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
    });
    const [prefs] = await prefsOf(relative.id);
    expect(prefs).toMatchObject({
      whatsappEnabled: true,
      whatsappNumber: elsewhere,
      whatsappOptOutReason: null,
    });
  });

  it('refuses an unsigned inbound message', async () => {
    const stop = twilio.inboundMessage({ from: 'whatsapp:+24106123456', body: 'STOP', url: INBOUND_URL });
    const res = await inject('/twilio/inbound', stop, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('WhatsApp turned off by hand', () => {
  const turnOff = (owner: { clientId: string } | { userId: string }, reason: 'desk' | 'preferences_page') =>
    tdb.db
      .update(notificationPreferences)
      .set({ whatsappEnabled: false, whatsappOptOutAt: new Date(), whatsappOptOutReason: reason })
      .where(
        'clientId' in owner
          ? eq(notificationPreferences.clientId, owner.clientId)
          : eq(notificationPreferences.userId, owner.userId),
      );

  it('skips a message waiting for the recipient who turned WhatsApp off since (channel_off, not a STOP)', async () => {
    for (const reason of ['desk', 'preferences_page'] as const) {
      const { row, phone, client } = await whatsappRow();
      await turnOff({ clientId: client.id }, reason);
      await publishRows(service.queues, [row]);
      expect((await settled(row.id, 'skipped')).skipReason).toBe('channel_off');
      expect(sentTo(phone)).toHaveLength(0);
    }
  });

  it('silences that profile only: another profile with the number still gets its messages', async () => {
    for (const reason of ['desk', 'preferences_page'] as const) {
      const { row, phone, client } = await whatsappRow();
      const staff = await f.user(client.departmentId, { phone });
      await f.preferences({ userId: staff.id }, { whatsappEnabled: true, whatsappNumber: phone });
      await turnOff({ userId: staff.id }, reason);
      await publishRows(service.queues, [row]);
      await settled(row.id, 'sent');
      expect(sentTo(phone)).toHaveLength(1);
    }
  });
});

describe('inbound START', () => {
  const inbound = (phone: string, body: string) =>
    inject('/twilio/inbound', twilio.inboundMessage({ from: `whatsapp:${phone}`, body, url: INBOUND_URL }));
  const prefsOf = async (clientId: string) =>
    (
      await tdb.db
        .select()
        .from(notificationPreferences)
        .where(eq(notificationPreferences.clientId, clientId))
    )[0]!;

  it('undoes a STOP: WhatsApp on again, the START recorded as consent, and the next message sent', async () => {
    const { phone, client, row } = await whatsappRow();
    expect((await inbound(phone, 'STOP')).statusCode).toBe(200);
    expect(await prefsOf(client.id)).toMatchObject({ whatsappEnabled: false });
    const before = Date.now();
    const res = await inbound(phone, ' Démarrer ');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    const prefs = await prefsOf(client.id);
    expect(prefs).toMatchObject({
      whatsappEnabled: true,
      whatsappNumber: phone,
      whatsappOptOutAt: null,
      whatsappOptOutReason: null,
      whatsappConsentSource: 'inbound_start',
    });
    expect(prefs.whatsappConsentAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // The claim no longer finds a STOP for this number: the message waiting for it goes out.
    await publishRows(service.queues, [row]);
    await settled(row.id, 'sent');
    expect(sentTo(phone)).toHaveLength(1);
  });

  it('leaves alone WhatsApp turned off another way than by STOP', async () => {
    const { phone, client } = await whatsappRow();
    await tdb.db
      .update(notificationPreferences)
      .set({ whatsappEnabled: false, whatsappOptOutAt: new Date(), whatsappOptOutReason: 'preferences_page' })
      .where(eq(notificationPreferences.clientId, client.id));
    expect((await inbound(phone, 'START')).statusCode).toBe(200);
    expect(await prefsOf(client.id)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'preferences_page',
    });
  });
});
