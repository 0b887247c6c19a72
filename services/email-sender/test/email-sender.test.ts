import { LANGUAGES, type Language, NOTIFICATION_KINDS, type NotificationKind } from '@rappel/contracts';
import { loans, notificationEvents } from '@rappel/db';
import { ensureQueued } from '@rappel/queue';
import {
  createTestDatabase,
  type Fixtures,
  fixtures,
  type ReceivedMessage,
  startTestSmtpServer,
  type TestDatabase,
  type TestSmtpServer,
  waitFor,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../src/transports/smtp-transport';
import {
  DUE_AHEAD,
  DUE_PASSED,
  emailRowFor,
  publish,
  rowById,
  type Sender,
  settled,
  startSender,
} from './harness';

let tdb: TestDatabase;
let f: Fixtures;
let smtp: TestSmtpServer;
let sender: Sender;

beforeAll(async () => {
  tdb = await createTestDatabase();
  f = fixtures(tdb.db);
  smtp = await startTestSmtpServer();
  sender = await startSender(tdb, createSmtpTransport({ url: smtp.url, maxConnections: 2 }));
});
afterAll(async () => {
  await sender?.close();
  await smtp?.close();
  await tdb?.drop();
});
beforeEach(() => smtp.reset());

const messageFor = (id: string) =>
  waitFor(() => smtp.messages.find((m) => m.headers.get('x-rappel-notification-id') === id), {
    message: `the e-mail of row ${id}`,
  });
const headerLine = (m: ReceivedMessage, name: string) =>
  m.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '');

const ITEM = 'Vidéoprojecteur Epson';
const SUBJECTS: Record<Language, Record<NotificationKind, (department: string) => string>> = {
  fr: {
    loan_created: () => `Prêt enregistré : « ${ITEM} », retour le dimanche 6 décembre à 10:00`,
    reminder_d2: () => `Rappel : « ${ITEM} » à rendre le dimanche 6 décembre à 10:00`,
    // Sent on Friday for Sunday: what the day-worded reminders say, whatever their kind.
    reminder_d1: () => `Rappel : « ${ITEM} » à rendre le dimanche 6 décembre à 10:00`,
    reminder_due_day: () => `Rappel : « ${ITEM} » à rendre le dimanche 6 décembre à 10:00`,
    reminder_2h: () => `Bientôt : « ${ITEM} » à rendre à 10:00`,
    overdue: () => `En retard : « ${ITEM} » était à rendre le vendredi 4 décembre à 10:00`,
    loan_returned: () => `Retour enregistré : « ${ITEM} »`,
    overdue_escalation: () => `Retard de 2 heures et 30 minutes : « ${ITEM} », Claire Martin (chambre 214)`,
    daily_report: (d) => `Rapport du vendredi 4 décembre : ${d}`,
  },
  en: {
    loan_created: () => `Loan recorded: “${ITEM}”, due back Sunday 6 December at 10:00`,
    reminder_d2: () => `Reminder: “${ITEM}” is due back Sunday 6 December at 10:00`,
    reminder_d1: () => `Reminder: “${ITEM}” is due back Sunday 6 December at 10:00`,
    reminder_due_day: () => `Reminder: “${ITEM}” is due back Sunday 6 December at 10:00`,
    reminder_2h: () => `Soon: “${ITEM}” is due back at 10:00`,
    overdue: () => `Overdue: “${ITEM}” was due back Friday 4 December at 10:00`,
    loan_returned: () => `Return recorded: “${ITEM}”`,
    overdue_escalation: () => `2 hours and 30 minutes late: “${ITEM}”, Claire Martin (room 214)`,
    daily_report: (d) => `Report for Friday 4 December: ${d}`,
  },
};

/** French no-break spaces read as plain spaces, so expectations stay legible. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

/** "20261206T090000Z" → the instant. */
const parseIcsUtc = (v: string) =>
  new Date(
    `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}Z`,
  );

describe('email-sender', () => {
  it('renders and delivers every kind in both languages', async () => {
    const cases = await Promise.all(
      NOTIFICATION_KINDS.flatMap((kind) =>
        LANGUAGES.map(async (language) => ({
          kind,
          language,
          ...(await emailRowFor(f, tdb, { kind, language })),
        })),
      ),
    );
    await publish(
      sender,
      cases.map((c) => c.row),
    );
    for (const c of cases) {
      const label = `${c.kind}/${c.language}`;
      const row = await settled(tdb, c.row.id, 'sent');
      const m = await messageFor(c.row.id);
      expect(plain(m.subject ?? ''), label).toBe(SUBJECTS[c.language][c.kind](c.scene.department.name));
      expect(m.envelope, label).toEqual({ from: 'rappel@hotel.test', to: [row.recipientAddress] });
      expect(m.to && 'text' in m.to ? m.to.text : '', label).toContain(row.recipientAddress!);
      expect(m.from?.text, label).toContain('rappel@hotel.test');
      expect(row.providerMessageId, label).toBe(`<${row.id}@hotel.test>`);
      expect(m.messageId, label).toBe(row.providerMessageId);
      expect(headerLine(m, 'List-Unsubscribe'), label).toMatch(/^<https:\/\/rappel\.test\/u\/[^>]+>$/);
      expect(headerLine(m, 'List-Unsubscribe-Post'), label).toBe('List-Unsubscribe=One-Click');
      expect(m.text, label).toMatch(/https:\/\/rappel\.test\/p\/\S+/);
      expect(m.html, label).toContain('https://rappel.test/p/');
      if (c.kind === 'daily_report') {
        expect(m.text, label).toContain('INV-REPORT');
      } else {
        expect(m.text, label).toContain(ITEM);
        expect(m.text, label).toContain(c.scene.item.inventoryNumber);
        expect(m.text, label).toContain('Réception, rez-de-chaussée');
      }
      const calendars = m.attachments.filter((a) => a.contentType.startsWith('text/calendar'));
      if (c.kind !== 'loan_created') {
        expect(calendars, label).toHaveLength(0);
        continue;
      }
      expect(calendars, label).toHaveLength(1);
      const ics = calendars[0]!.content.toString('utf8').replace(/\r\n /g, '');
      expect(ics).toContain('METHOD:PUBLISH');
      const dtstart = /^DTSTART:(\d{8}T\d{6}Z)$/m.exec(ics)?.[1];
      expect(parseIcsUtc(dtstart!).getTime(), label).toBe(DUE_AHEAD.getTime());
      expect(ics).toContain(`SUMMARY:Re`);
      expect(ics).toContain(c.scene.item.inventoryNumber);
    }
    expect(smtp.messages).toHaveLength(cases.length);
    expect(DUE_PASSED.getTime()).toBeLessThan(DUE_AHEAD.getTime());
  });

  it('keeps a hostile client name inert in the HTML', async () => {
    const name = '<script>alert(1)</script><mj-text>x</mj-text>';
    const { row } = await emailRowFor(f, tdb, { kind: 'loan_created', language: 'fr', clientName: name });
    await publish(sender, [row]);
    await settled(tdb, row.id, 'sent');
    const m = await messageFor(row.id);
    const html = String(m.html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<mj-text>x');
    expect(html).toContain('Bonjour &lt;script&gt;alert(1)&lt;/script&gt;&lt;mj-text&gt;x&lt;/mj-text&gt;,');
    expect(m.text).toContain(`Bonjour ${name},`);
  });

  it('retries after SMTP 421 and records sent', async () => {
    const { row } = await emailRowFor(f, tdb, { kind: 'reminder_d1', language: 'fr' });
    const address = (await rowById(tdb, row.id)).recipientAddress!;
    // At DATA: nodemailer's pool silently re-sends a message refused before any byte of it
    // went out on a reused connection, so a 421 there would not reach the worker every time.
    smtp.fail({ stage: 'DATA', code: 421, recipient: address, times: 1 });
    await publish(sender, [row]);
    const done = await settled(tdb, row.id, 'sent');
    expect(done.attempts).toBe(2);
    expect(smtp.refusals).toEqual([{ stage: 'DATA', code: 421, recipient: done.recipientAddress }]);
    const events = await tdb.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, row.id));
    expect(events.map((e) => [e.type, e.errorCode])).toEqual([
      ['failed', '421'],
      ['sent', null],
    ]);
    expect(await sender.app.registry.getSingleMetricAsString('rappel_provider_errors_total')).toContain(
      'provider="smtp",code="421"',
    );
  });

  it('stops at once on SMTP 550 for the recipient', async () => {
    const { row } = await emailRowFor(f, tdb, { kind: 'reminder_d2', language: 'en' });
    const address = (await rowById(tdb, row.id)).recipientAddress!;
    smtp.fail({ stage: 'RCPT', code: 550, recipient: address, message: 'No such user' });
    await publish(sender, [row]);
    const done = await settled(tdb, row.id, 'permanent_failure');
    expect(done).toMatchObject({ attempts: 1, errorCode: '550' });
    expect(done.errorMessage).toContain('No such user');
    expect(smtp.messages).toHaveLength(0);
  });

  it('skips a reminder whose loan was returned before it went out', async () => {
    const { row, loan } = await emailRowFor(f, tdb, { kind: 'reminder_due_day', language: 'fr' });
    await tdb.db.update(loans).set({ returnedAt: new Date() }).where(eq(loans.id, loan.id));
    await publish(sender, [row]);
    const done = await settled(tdb, row.id, 'skipped');
    expect(done.skipReason).toBe('returned');
    expect(smtp.messages).toHaveLength(0);
  });

  it('sends once when the same job is processed twice', async () => {
    const { row } = await emailRowFor(f, tdb, { kind: 'loan_created', language: 'en' });
    await publish(sender, [row]);
    await settled(tdb, row.id, 'sent');
    // The relay or a replay may queue the row again: the second job must find nothing to do.
    expect(await ensureQueued(sender.queues, [row])).toHaveLength(1);
    await waitFor(
      async () => (await (await sender.queues.email.getJob(row.id))?.getState()) === 'completed',
      {
        message: 'the second job to complete',
      },
    );
    expect(smtp.messages.filter((m) => m.headers.get('x-rappel-notification-id') === row.id)).toHaveLength(1);
    expect((await rowById(tdb, row.id)).attempts).toBe(1);
  });

  it('is ready and counts deliveries in /metrics', async () => {
    const ready = await sender.app.http.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { postgres: 'ok', redis: 'ok', worker: 'ok' } });
    const metrics = await sender.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/rappel_deliveries_total\{[^}]*channel="email"[^}]*outcome="sent"/);
    expect(metrics.body).toContain('rappel_queue_jobs{');
    expect((await sender.app.http.inject({ method: 'GET', url: '/mail' })).body).toContain(
      'Capture désactivée',
    );
  });
});
