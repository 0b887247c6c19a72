/**
 * The whole path, every service its own process, as in production: a loan created over HTTP
 * reaches the borrower by e-mail (at a real SMTP server) and by WhatsApp (at a server speaking
 * Twilio's Messages API, called by the real twilio SDK); a reminder fires from the scheduler;
 * a Twilio status callback marks delivery; the return is announced. NotificationLog rows are
 * checked at every step.
 */
import { randomBytes } from 'node:crypto';
import { createApiKey } from '@rappel/attribution-service/src/auth/api-keys';
import { notificationEvents, notificationLog } from '@rappel/db';
import {
  cleanupPrefix,
  createTestDatabase,
  freePort,
  type ServiceProcess,
  startServiceProcess,
  startTestSmtpServer,
  startTwilioContractServer,
  type TestDatabase,
  type TestSmtpServer,
  type TwilioContractServer,
  testEnv,
  uniqueQueuePrefix,
  waitFor,
} from '@rappel/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let tdb: TestDatabase;
let smtp: TestSmtpServer;
let twilio: TwilioContractServer;
let prefix: string;
const services: ServiceProcess[] = [];
/** What the API answered; tests read the fields they expect. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in each test
type ApiBody = any;
let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: ApiBody }>;
let whatsappUrl: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  smtp = await startTestSmtpServer();
  twilio = await startTwilioContractServer();
  prefix = uniqueQueuePrefix('e2e');
  const [apiPort, emailPort, waPort, schedulerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  whatsappUrl = `http://127.0.0.1:${waPort}`;
  const common = {
    DATABASE_URL: tdb.url,
    REDIS_URL: testEnv.redisUrl,
    QUEUE_PREFIX: prefix,
    APP_TIMEZONE: 'Africa/Libreville',
    LOG_LEVEL: 'info',
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL: 'http://127.0.0.1:3004',
    // The site may move its "2 hours before" reminder; here 299 minutes before due, so a
    // medium loan (> 4 h) due in 299 min 15 s has its reminder fall due 15 s after creation.
    REMINDER_2H_MINUTES_BEFORE: '299',
  };
  services.push(
    ...(await Promise.all([
      startServiceProcess('attribution-service', common, { port: apiPort }),
      startServiceProcess(
        'email-sender',
        { ...common, SMTP_URL: smtp.url, MAIL_FROM: '"Rappel" <desk@hotel.test>' },
        { port: emailPort },
      ),
      startServiceProcess(
        'whatsapp-sender',
        {
          ...common,
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
          TWILIO_API_BASE_URL: twilio.url,
          TWILIO_STATUS_CALLBACK_URL: `${whatsappUrl}/twilio/status`,
        },
        { port: waPort },
      ),
      startServiceProcess(
        'reminder-scheduler',
        { ...common, FIRE_INTERVAL_SECONDS: '1' },
        { port: schedulerPort },
      ),
    ])),
  );
  const { key } = await createApiKey(tdb.db, { name: 'desk-pms', departmentId: null });
  api = async (method, path, body) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };
});

afterAll(async () => {
  const codes = await Promise.all(services.map((s) => s.stop('SIGTERM')));
  await Promise.all([smtp?.close(), twilio?.close()]);
  await cleanupPrefix(prefix);
  await tdb?.drop();
  // Every service stops cleanly on SIGTERM.
  expect(codes.every((c) => c === 0)).toBe(true);
});

const rowsOf = (loanId: string, kind: string) =>
  tdb.db
    .select()
    .from(notificationLog)
    .where(and(eq(notificationLog.loanId, loanId), eq(notificationLog.kind, kind as 'loan_created')))
    .orderBy(asc(notificationLog.channel));

async function scene() {
  const department = await api('POST', '/v1/departments', {
    name: `Conciergerie ${randomBytes(3).toString('hex')}`,
    deskLocation: 'Conciergerie, hall principal',
  });
  expect(department.status).toBe(201);
  const departmentId = department.body.id;
  const staff = await api('POST', '/v1/users', {
    departmentId,
    email: `staff-${randomBytes(3).toString('hex')}@hotel.test`,
    fullName: 'Awa Ndong',
    role: 'dept_user',
  });
  expect(staff.status).toBe(201);
  const client = await api('POST', '/v1/clients', {
    departmentId,
    kind: 'guest',
    fullName: 'Claire Martin',
    email: `claire-${randomBytes(3).toString('hex')}@example.test`,
    phone: '+241 06 12 34 56',
    language: 'fr',
    roomNumber: '214',
    preferences: { whatsappEnabled: true, whatsappConsentSource: 'desk' },
  });
  expect(client.status).toBe(201);
  const item = await api('POST', '/v1/items', {
    departmentId,
    name: 'Vidéoprojecteur Epson',
    inventoryNumber: `INV-${randomBytes(3).toString('hex')}`,
  });
  expect(item.status).toBe(201);
  return { departmentId, staffId: staff.body.id, client: client.body, itemId: item.body.id };
}

describe('a loan, end to end', () => {
  it('announces the loan by e-mail and WhatsApp, tracks delivery, reminds, and announces the return', async () => {
    const s = await scene();
    // A medium loan (over 4 h) whose reminder_2h falls due 15 s from now.
    const dueAt = new Date(Date.now() + 299 * 60_000 + 15_000);
    const created = await api('POST', '/v1/loans', {
      itemId: s.itemId,
      clientId: s.client.id,
      responsibleUserId: s.staffId,
      dueAt: dueAt.toISOString(),
    });
    expect(created.status).toBe(201);
    const loanId = created.body.loan?.id ?? created.body.id;

    // loan_created: one e-mail at the SMTP server, one request at the Twilio server.
    const [mail] = await smtp.waitForMessages(1, 30_000);
    expect(mail!.envelope.to).toEqual([s.client.email]);
    expect(mail!.subject).toMatch(/Vidéoprojecteur Epson/);
    expect(mail!.text).toContain('Claire Martin');
    const header = (name: string) =>
      (mail!.headerLines.find((h) => h.key === name)?.line ?? '').replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:3004\/u\/[^>]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail!.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
    const wa = await waitFor(() => twilio.messages[0], {
      timeoutMs: 30_000,
      message: 'the WhatsApp request',
    });
    expect(wa.params.To).toBe('whatsapp:+24106123456');
    expect(wa.params.From).toBe('whatsapp:+14155238886');
    expect(String(wa.params.Body)).toContain('Vidéoprojecteur Epson');
    expect(wa.params.StatusCallback).toBe(`${whatsappUrl}/twilio/status`);

    const created_ = await waitFor(
      async () => {
        const rows = await rowsOf(loanId, 'loan_created');
        return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      { timeoutMs: 20_000, message: 'both loan_created rows sent' },
    );
    const [emailRow, waRow] = created_;
    expect(emailRow).toMatchObject({ channel: 'email', attempts: 1, recipientAddress: s.client.email });
    expect(emailRow!.providerMessageId).toBeTruthy();
    expect(waRow).toMatchObject({ channel: 'whatsapp', attempts: 1, providerMessageId: wa.resource.sid });

    // Twilio reports delivery, then reading, through a signed callback.
    for (const status of ['delivered', 'read']) {
      const res = await twilio.post(twilio.statusCallback(wa.resource.sid, status));
      expect(res.status).toBe(204);
    }
    const tracked = await waitFor(
      async () => {
        const [row] = await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, waRow!.id));
        return row?.status === 'read' ? row : undefined;
      },
      { message: 'the WhatsApp row to be read' },
    );
    expect(tracked.deliveredAt).toBeTruthy();
    const events = await tdb.db
      .select({ type: notificationEvents.type })
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, waRow!.id));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['sent', 'callback']));

    // The scheduler fires reminder_2h when it falls due.
    const reminders = await waitFor(
      async () => {
        const rows = await rowsOf(loanId, 'reminder_2h');
        return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      { timeoutMs: 60_000, message: 'reminder_2h sent on both channels' },
    );
    expect(reminders.map((r) => r.occurrence)).toEqual(['v1', 'v1']);
    await smtp.waitForMessages(2, 10_000);

    // The return is announced on both channels, and what is left of the plan is cancelled.
    const returned = await api('POST', `/v1/loans/${loanId}/return`);
    expect(returned.status).toBe(200);
    await waitFor(
      async () => {
        const rows = await rowsOf(loanId, 'loan_returned');
        return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      { timeoutMs: 30_000, message: 'loan_returned sent on both channels' },
    );
    const mails = await smtp.waitForMessages(3, 10_000);
    expect(mails).toHaveLength(3);
    expect(twilio.messages).toHaveLength(3);

    // Logs name rows by id: no address, number or name of the borrower, no provider secret.
    for (const service of services) {
      const out = service.output();
      expect(out.length, service.name).toBeGreaterThan(0);
      for (const secret of [s.client.email, '+24106123456', '06123456', 'Claire Martin', twilio.authToken]) {
        expect(out.includes(secret), `${service.name} logged ${secret}`).toBe(false);
      }
    }
  });

  it('still accepts a loan when WhatsApp fails for good, and falls back to e-mail', async () => {
    const s = await scene();
    twilio.failFor('+24106123456', { status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    try {
      const before = smtp.messages.length;
      const created = await api('POST', '/v1/loans', {
        itemId: s.itemId,
        clientId: s.client.id,
        responsibleUserId: s.staffId,
        dueDate: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
      });
      expect(created.status).toBe(201);
      const loanId = created.body.loan?.id ?? created.body.id;
      const rows = await waitFor(
        async () => {
          const all = await rowsOf(loanId, 'loan_created');
          const wa = all.find((r) => r.channel === 'whatsapp');
          const fallback = all.find((r) => r.replacesId === wa?.id);
          return wa?.status === 'permanent_failure' && fallback?.status === 'sent'
            ? { wa, fallback }
            : undefined;
        },
        { timeoutMs: 30_000, message: 'the WhatsApp failure and its e-mail fallback' },
      );
      expect(rows.wa).toMatchObject({ errorCode: '21211', attempts: 1 });
      expect(rows.fallback.channel).toBe('email');
      // The loan's own e-mail plus the fallback e-mail.
      await smtp.waitForMessages(before + 2, 10_000);
    } finally {
      twilio.clearFailures();
    }
  });
});
