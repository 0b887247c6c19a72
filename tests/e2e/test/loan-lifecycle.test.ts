/**
 * The whole path, every service its own process, as in production: a loan created over HTTP
 * reaches the borrower by e-mail (at a real SMTP server) and by WhatsApp (at a server speaking
 * Twilio's Messages API, called by the real twilio SDK); a reminder fires from the scheduler;
 * a Twilio status callback marks delivery; the return is announced. NotificationLog rows are
 * checked at every step.
 */
import { randomBytes } from 'node:crypto';
import { notificationEvents, notificationLog, users } from '@rappel/db';
import { hashPassword } from '@rappel/stats-service/src/auth/passwords';
import { fixtures, waitFor } from '@rappel/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from './harness';

let stack: E2eStack;
let tdb: E2eStack['tdb'];
let smtp: E2eStack['smtp'];
let twilio: E2eStack['twilio'];
let services: E2eStack['services'];
let api: E2eStack['api'];
let whatsappUrl: string;
let statsUrl: string;
let apiUrl: string;

beforeAll(async () => {
  stack = await startE2eStack('e2e', {
    services: [
      'attribution-service',
      'email-sender',
      'whatsapp-sender',
      'reminder-scheduler',
      'stats-service',
    ],
    env: {
      APP_TIMEZONE: 'Africa/Libreville',
      // The site may move its "2 hours before" reminder; here 299 minutes before due, so a
      // medium loan (> 4 h) due in 299 min 15 s has its reminder fall due 15 s after creation.
      REMINDER_2H_MINUTES_BEFORE: '299',
    },
  });
  ({ tdb, smtp, twilio, services, api } = stack);
  statsUrl = stack.url('stats-service');
  apiUrl = stack.url('attribution-service');
  whatsappUrl = stack.url('whatsapp-sender');
});

afterAll(async () => {
  const codes = (await stack?.close()) ?? [];
  // Every service stops cleanly on SIGTERM.
  expect(codes.every((c) => c === 0)).toBe(true);
});

/** A person at the pages: keeps cookies between requests and reads the form's CSRF field. */
function pageSession() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!.trim(), value.join('='));
    }
  };
  return {
    async get(url: string) {
      const res = await fetch(url, { headers: { cookie: cookie() }, redirect: 'manual' });
      remember(res);
      const body = await res.text();
      return { status: res.status, body, csrf: /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '' };
    },
    async post(url: string, form: Record<string, string>) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
      remember(res);
      return { status: res.status, location: res.headers.get('location') };
    },
  };
}

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

/** Lends the scene's item to its client over HTTP; returns the loan id. */
async function lend(s: Awaited<ReturnType<typeof scene>>, due: { dueAt: string } | { dueDate: string }) {
  const created = await api('POST', '/v1/loans', {
    itemId: s.itemId,
    clientId: s.client.id,
    responsibleUserId: s.staffId,
    ...due,
  });
  expect(created.status).toBe(201);
  return created.body.loan.id as string;
}

describe('a loan, end to end', () => {
  it('announces the loan by e-mail and WhatsApp, tracks delivery, reminds, and announces the return', async () => {
    const s = await scene();
    // A medium loan (over 4 h) whose reminder_2h falls due 15 s from now.
    const dueAt = new Date(Date.now() + 299 * 60_000 + 15_000);
    const loanId = await lend(s, { dueAt: dueAt.toISOString() });

    // loan_created: one e-mail at the SMTP server, one request at the Twilio server.
    const [mail] = await smtp.waitForMessages(1, 30_000);
    expect(mail!.envelope.to).toEqual([s.client.email]);
    expect(mail!.subject).toMatch(/Vidéoprojecteur Epson/);
    expect(mail!.text).toContain('Claire Martin');
    const header = (name: string) =>
      (mail!.headerLines.find((h) => h.key === name)?.line ?? '').replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(new RegExp(`^List-Unsubscribe: <${statsUrl}/u/[^>]+>$`));
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

  it('still accepts a loan when WhatsApp fails for good, and the borrower gets its e-mail once', async () => {
    const s = await scene();
    twilio.failFor('+24106123456', { status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    try {
      const before = smtp.messages.length;
      const loanId = await lend(s, {
        dueDate: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
      });
      // E-mail is on, so the loan's own e-mail already tells the borrower: the WhatsApp
      // failure is recorded as a fallback decision, not a second e-mail.
      const rows = await waitFor(
        async () => {
          const all = await rowsOf(loanId, 'loan_created');
          const wa = all.find((r) => r.channel === 'whatsapp');
          const email = all.find((r) => r.channel === 'email');
          if (wa?.status !== 'permanent_failure' || email?.status !== 'sent') return undefined;
          const [decision] = await tdb.db
            .select()
            .from(notificationEvents)
            .where(
              and(eq(notificationEvents.notificationId, wa.id), eq(notificationEvents.type, 'fallback')),
            );
          return decision ? { all, wa, email, decision } : undefined;
        },
        { timeoutMs: 30_000, message: 'the WhatsApp failure and the fallback decision' },
      );
      expect(rows.wa).toMatchObject({ errorCode: '21211', attempts: 1 });
      expect(rows.all).toHaveLength(2);
      expect(rows.decision.detail).toEqual({
        channel: 'email',
        notificationId: rows.email.id,
        reason: 'already_by_email',
      });
      await smtp.waitForMessages(before + 1, 10_000);
      const toBorrower = smtp.messages.slice(before).filter((m) => m.envelope.to.includes(s.client.email));
      expect(toBorrower).toHaveLength(1);
    } finally {
      twilio.clearFailures();
    }
  });

  it('honours at the next reminder a choice the borrower made through the link in the e-mail', async () => {
    const s = await scene();
    const before = smtp.messages.length;
    const dueAt = new Date(Date.now() + 299 * 60_000 + 25_000);
    const loanId = await lend(s, { dueAt: dueAt.toISOString() });
    const mails = await smtp.waitForMessages(before + 1, 30_000);
    const mail = mails.find((m) => m.envelope.to.includes(s.client.email))!;
    const link = new RegExp(`${statsUrl}/p/[A-Za-z0-9._-]+`).exec(mail.text ?? '')?.[0];
    expect(link, 'preferences link in the e-mail').toBeTruthy();

    // The borrower opens the link (no account) and turns off "two hours before".
    const browser = pageSession();
    const page = await browser.get(link!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Claire Martin');
    const saved = await browser.post(link!, {
      _csrf: page.csrf,
      emailEnabled: 'on',
      whatsappEnabled: 'on',
      whatsappNumber: '+24106123456',
      reminderD2: 'on',
      reminderD1: 'on',
      reminderDueDay: 'on',
    });
    expect(saved.status).toBe(303);

    const reminders = await waitFor(
      async () => {
        const rows = await rowsOf(loanId, 'reminder_2h');
        return rows.length === 2 ? rows : undefined;
      },
      { timeoutMs: 60_000, message: 'reminder_2h rows' },
    );
    expect(reminders.map((r) => [r.status, r.skipReason])).toEqual([
      ['skipped', 'toggle_off'],
      ['skipped', 'toggle_off'],
    ]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes(s.client.email))).toHaveLength(1);
  });

  it('sends a message again when a manager replays it after a failure', async () => {
    const s = await scene();
    smtp.fail({ stage: 'RCPT', code: 550, recipient: s.client.email });
    const loanId = await lend(s, {
      dueDate: new Date(Date.now() + 6 * 86_400_000).toISOString().slice(0, 10),
    });
    const failed = await waitFor(
      async () => {
        const rows = await rowsOf(loanId, 'loan_created');
        return rows.find((r) => r.channel === 'email' && r.status === 'permanent_failure');
      },
      { timeoutMs: 30_000, message: 'the e-mail to fail for good' },
    );
    expect(failed).toMatchObject({ errorCode: '550', attempts: 1 });
    smtp.reset(); // the mailbox exists again

    // A manager of that department signs in and replays it from the message page.
    const manager = await api('POST', '/v1/users', {
      departmentId: s.departmentId,
      email: `manager-${randomBytes(3).toString('hex')}@hotel.test`,
      fullName: 'Marc Obiang',
      role: 'dept_manager',
    });
    expect(manager.status).toBe(201);
    await tdb.db
      .update(users)
      .set({ passwordHash: await hashPassword('correct horse battery staple') })
      .where(eq(users.id, manager.body.id));
    const browser = pageSession();
    const signIn = await browser.get(`${statsUrl}/sign-in`);
    const signedIn = await browser.post(`${statsUrl}/sign-in`, {
      _csrf: signIn.csrf,
      email: manager.body.email,
      password: 'correct horse battery staple',
    });
    expect(signedIn).toMatchObject({ status: 303, location: '/' });
    const detail = await browser.get(`${statsUrl}/notifications/${failed!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('550');
    const replay = await browser.post(`${statsUrl}/notifications/${failed!.id}/replay`, {
      _csrf: detail.csrf,
    });
    expect(replay.status).toBe(303);

    const sent = await waitFor(
      async () => {
        const [row] = await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, failed!.id));
        return row?.status === 'sent' ? row : undefined;
      },
      { timeoutMs: 30_000, message: 'the replayed e-mail to be sent' },
    );
    expect(sent.attempts).toBe(2);
    const events = await tdb.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, failed!.id))
      .orderBy(asc(notificationEvents.at));
    expect(events.map((e) => e.type)).toEqual(['permanent_failure', 'replayed', 'sent']);
    expect(events[1]!.actor).toBe(manager.body.id);
    expect(smtp.messages.some((m) => m.envelope.to.includes(s.client.email))).toBe(true);
  });
});

/** Same-origin files a page loads (`src`/`href`), resolved against its `<base href>` if any. */
function assetUrls(html: string, pageUrl: string): string[] {
  const base = new URL(/<base href="([^"]+)"/.exec(html)?.[1] ?? pageUrl, pageUrl);
  return [...html.matchAll(/(?:src|href)="([^"#]+)"/g)]
    .map((m) => new URL(m[1]!, base))
    .filter((url) => url.origin === base.origin)
    .map((url) => url.href);
}

describe('the web UIs the built services serve from their dependencies', () => {
  // The bundles leave @bull-board/api and @fastify/swagger-ui in node_modules because they serve
  // files from their own folders (scripts/build.mjs); a page without its scripts is a blank page.
  it('Bull Board (for a super admin) and both Swagger UIs come with every script and stylesheet', async () => {
    const admin = await fixtures(tdb.db).user(null, {
      role: 'super_admin',
      email: `admin-${randomBytes(3).toString('hex')}@hotel.test`,
      passwordHash: await hashPassword('correct horse battery staple'),
    });
    const browser = pageSession();
    const signIn = await browser.get(`${statsUrl}/sign-in`);
    const signedIn = await browser.post(`${statsUrl}/sign-in`, {
      _csrf: signIn.csrf,
      email: admin.email,
      password: 'correct horse battery staple',
    });
    expect(signedIn.status).toBe(303);
    for (const page of [`${statsUrl}/queues`, `${statsUrl}/docs/`, `${apiUrl}/docs/`]) {
      const html = await browser.get(page);
      expect(html.status, page).toBe(200);
      const assets = assetUrls(html.body, page);
      expect(assets.filter((url) => url.endsWith('.js')).length, page).toBeGreaterThan(0);
      expect(assets.filter((url) => url.endsWith('.css')).length, page).toBeGreaterThan(0);
      for (const asset of assets) {
        const res = await browser.get(asset);
        expect(res.status, asset).toBe(200);
        expect(res.body.length, asset).toBeGreaterThan(0);
      }
    }
  });
});
