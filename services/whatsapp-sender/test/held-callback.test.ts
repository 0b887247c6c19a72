import { heldStatusCallbacks, notificationEvents, notificationLog } from '@rappel/db';
import { publishRows } from '@rappel/queue';
import { startTwilioContractServer, type TwilioContractServer, waitFor } from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSettings } from '../src/config';
import { applyHeldStatusCallbacks, HELD_CALLBACK_TTL_MS } from '../src/status-callback';
import { createTwilioSender } from '../src/twilio-sender';
import { STATUS_URL, startWhatsAppHarness, twilioEnv, type WhatsAppHarness, whatsappRow } from './harness';

/**
 * Twilio may call back before the sender has recorded the SID its API call returned: the
 * callback is held and applied once the SID is on the row (docs/design-decisions.md, "Status
 * callbacks before their SID").
 */

let h: WhatsAppHarness;
let twilio: TwilioContractServer;
/** Called with each SID Twilio accepted, before the sender hands it back to be recorded. */
let whenAccepted: (sid: string) => Promise<void> = async () => {};

beforeAll(async () => {
  twilio = await startTwilioContractServer();
  h = await startWhatsAppHarness('wa-held', twilioEnv(twilio), undefined, (config) => {
    const real = createTwilioSender(twilioSettings(config)!);
    return {
      heldCallbackSweepMs: 50,
      sender: {
        provider: real.provider,
        async send(message, meta) {
          const accepted = await real.send(message, meta);
          await whenAccepted(accepted.providerMessageId);
          return accepted;
        },
      },
    };
  });
});
afterAll(async () => {
  await h.close();
  await twilio.close();
});

/** Posts a signed status callback to the service, as Twilio does. */
async function callBack(sid: string, status: string, errorCode?: number) {
  const request = twilio.statusCallback(sid, status, {
    url: STATUS_URL,
    ...(errorCode ? { errorCode } : {}),
  });
  const res = await h.service.app.inject({
    method: 'POST',
    url: '/twilio/status',
    headers: request.headers,
    payload: request.body,
  });
  expect(res.statusCode).toBe(204);
}

const held = () => h.tdb.db.select().from(heldStatusCallbacks);
const rowOf = async (id: string) =>
  (await h.tdb.db.select().from(notificationLog).where(eq(notificationLog.id, id)))[0]!;

describe('a status callback that arrives before its SID is recorded', () => {
  it('is held, then applied once the row carries the SID, at the time Twilio sent it', async () => {
    const { row } = await whatsappRow(h, { numberPrefix: '+2410614' });
    let calledBackAt: Date | undefined;
    whenAccepted = async (sid) => {
      calledBackAt = new Date();
      await callBack(sid, 'sent');
      await callBack(sid, 'delivered');
      await callBack(sid, 'delivered'); // Twilio sends it again: held once
      expect(await held()).toHaveLength(2);
    };
    await publishRows(h.service.queues, [row]);
    const delivered = await waitFor(async () => {
      const now = await rowOf(row.id);
      return now.status === 'delivered' ? now : undefined;
    });
    expect(delivered.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(delivered.deliveredAt!.getTime()).toBeGreaterThanOrEqual(calledBackAt!.getTime());
    expect(delivered.deliveredAt!.getTime()).toBeLessThanOrEqual(delivered.sentAt!.getTime());
    const callbacks = (
      await h.tdb.db.select().from(notificationEvents).where(eq(notificationEvents.notificationId, row.id))
    ).filter((e) => e.type === 'callback');
    expect(callbacks.map((e) => [e.detail?.twilioStatus, e.detail?.applied])).toEqual([
      ['sent', false],
      ['delivered', true],
    ]);
    expect(await held()).toHaveLength(0);
  });

  it('an undelivered one still sends the e-mail instead', async () => {
    const { row } = await whatsappRow(h, { numberPrefix: '+2410615', email: 'switched on since' });
    whenAccepted = (sid) => callBack(sid, 'undelivered', 63024);
    await publishRows(h.service.queues, [row]);
    const email = await waitFor(async () => {
      const [replacement] = await h.tdb.db
        .select()
        .from(notificationLog)
        .where(eq(notificationLog.replacesId, row.id));
      return replacement;
    });
    expect(email.channel).toBe('email');
    expect(await rowOf(row.id)).toMatchObject({ status: 'undelivered', errorCode: '63024' });
    expect(await h.service.queues.email.getJob(email.id)).toBeDefined();
  });
});

describe('held callbacks', () => {
  it('are applied once when replicas sweep at the same moment', async () => {
    whenAccepted = async () => {};
    const rows = [];
    for (let i = 0; i < 4; i++) {
      const { row } = await whatsappRow(h, { numberPrefix: '+2410616' });
      const sid = `SM${String(i).padStart(32, 'a')}`;
      await callBack(sid, 'delivered');
      await h.tdb.db
        .update(notificationLog)
        .set({ status: 'sent', providerMessageId: sid, sentAt: new Date() })
        .where(eq(notificationLog.id, row.id));
      rows.push(row.id);
    }
    const runs = await Promise.all([1, 2, 3].map(() => applyHeldStatusCallbacks(h.tdb.db, new Date())));
    // The service's own sweep may have taken some: every callback applied once in all.
    for (const id of rows) {
      expect((await rowOf(id)).status).toBe('delivered');
      const events = await h.tdb.db
        .select()
        .from(notificationEvents)
        .where(eq(notificationEvents.notificationId, id));
      expect(events.filter((e) => e.type === 'callback')).toHaveLength(1);
    }
    expect(runs.flatMap((r) => r.applied).length).toBeLessThanOrEqual(4);
    expect(await held()).toHaveLength(0);
  });

  it('are dropped a day after arrival when no message carries their SID', async () => {
    const sid = `SM${'b'.repeat(32)}`;
    await callBack(sid, 'delivered');
    const [heldOne] = await held();
    expect(heldOne).toMatchObject({ messageSid: sid, twilioStatus: 'delivered', errorCode: null });
    const justBefore = new Date(heldOne!.receivedAt.getTime() + HELD_CALLBACK_TTL_MS - 1_000);
    expect(await applyHeldStatusCallbacks(h.tdb.db, justBefore)).toEqual({ applied: [], dropped: 0 });
    const after = new Date(heldOne!.receivedAt.getTime() + HELD_CALLBACK_TTL_MS + 1_000);
    expect(await applyHeldStatusCallbacks(h.tdb.db, after)).toEqual({ applied: [], dropped: 1 });
    expect(await held()).toHaveLength(0);
  });
});
