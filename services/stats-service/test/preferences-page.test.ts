import { randomInt } from 'node:crypto';
import { clients, notificationPreferences } from '@rappel/db';
import { linkToken } from '@rappel/domain';
import { deferred, waitFor } from '@rappel/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, LINK_SECRET, Session, startHarness } from './harness';

/**
 * The preferences page and an inbound WhatsApp STOP on the same person. The STOP is
 * whatsapp-sender's `optOutWhatsApp` transaction (services/whatsapp-sender/src/opt-out.ts),
 * written here as its statements so the test can hold it open before its commit.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness('prefs-page');
});
afterAll(async () => {
  await h?.close();
});

const STOP_AT = new Date('2026-03-02T09:00:00Z');
const newNumber = () => `+2410745${String(randomInt(10_000)).padStart(4, '0')}`;

/** A client with that phone; WhatsApp on at the desk unless `row` is false (no preferences row). */
async function guest(options: { row?: boolean } = {}) {
  const phone = newNumber();
  const client = await h.f.client(h.deptA.id, { phone, fullName: 'Claire Martin' });
  if (options.row !== false) {
    await h.f.preferences(
      { clientId: client.id },
      {
        whatsappEnabled: true,
        whatsappNumber: phone,
        whatsappConsentSource: 'desk',
        whatsappConsentAt: STOP_AT,
      },
    );
  }
  const token = linkToken({ type: 'client', id: client.id }, 'prefs', LINK_SECRET, new Date(), 30);
  return { client, phone, url: `/p/${token}` };
}

/** Opens the page as the person's browser would and returns its form's hidden fields. */
async function openPage(s: Session, url: string) {
  const page = await s.request('GET', url);
  expect(page.statusCode).toBe(200);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1];
  return { page, hidden: { _csrf: field('_csrf')!, whatsappShown: field('whatsappShown')! } };
}

const savedRow = async (clientId: string) =>
  (
    await h.database.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.clientId, clientId))
  )[0];

/** The STOP's statements, committed. */
async function stop(number: string) {
  await h.database.db.transaction((tx) => stopStatements(tx, number));
}

async function stopStatements(
  tx: Parameters<Parameters<Harness['database']['db']['transaction']>[0]>[0],
  number: string,
) {
  const off = {
    whatsappEnabled: false,
    whatsappOptOutAt: STOP_AT,
    whatsappOptOutReason: 'inbound_stop',
    updatedAt: STOP_AT,
  } as const;
  await tx
    .update(notificationPreferences)
    .set(off)
    .where(
      and(
        eq(notificationPreferences.whatsappNumber, number),
        eq(notificationPreferences.whatsappEnabled, true),
      ),
    );
  const owners = await tx.select({ id: clients.id }).from(clients).where(eq(clients.phone, number));
  if (owners.length)
    await tx
      .insert(notificationPreferences)
      .values(owners.map((o) => ({ clientId: o.id, ...off })))
      .onConflictDoNothing();
}

/** The STOP's transaction, its statements run and its commit held until `commit()`. */
async function stopHeldOpen(number: string) {
  const ran = deferred<number>();
  const go = deferred();
  const done = h.database.db.transaction(async (tx) => {
    const [backend] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    await stopStatements(tx, number);
    ran.resolve(backend!.pid);
    await go.promise;
  });
  done.catch(() => {});
  const pid = await Promise.race([
    ran.promise,
    done.then(() => Promise.reject(new Error('STOP did not run'))),
  ]);
  return {
    pid,
    commit: () => {
      go.resolve();
      return done;
    },
  };
}

/** Resolves once another backend waits for a lock the backend `pid` holds. */
const blockedBy = (pid: number) =>
  waitFor(
    async () => {
      const waiting = await h.database.db.execute<{ pid: number }>(
        sql`select pid from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`,
      );
      return waiting.length > 0;
    },
    { message: `a backend blocked by the STOP (${pid})` },
  );

const CHANGED_FR = 'Vos préférences WhatsApp ont changé depuis l’affichage de cette page.';
const CHANGED_EN = 'Your WhatsApp preferences changed since this page was shown.';
const checkedBox = (body: string, name: string) => new RegExp(`name="${name}" value="on" checked`).test(body);

describe('the preferences page and an inbound STOP', () => {
  it('a save started while a STOP is being written waits for it, and the STOP stands', async () => {
    const g = await guest();
    const s = new Session(h.app);
    const { hidden } = await openPage(s, g.url);
    const held = await stopHeldOpen(g.phone);
    // The guest only turns the two-hour reminder off; the page still shows WhatsApp on.
    const saving = s.request('POST', g.url, {
      form: {
        ...hidden,
        emailEnabled: 'on',
        whatsappEnabled: 'on',
        whatsappNumber: g.phone,
        reminderD2: 'on',
      },
    });
    await blockedBy(held.pid);
    await held.commit();
    const res = await saving;
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(CHANGED_FR);
    expect(checkedBox(res.body, 'whatsappEnabled')).toBe(false);
    expect(res.body).toContain('WhatsApp est désactivé : une réponse STOP a été reçue de ce numéro.');
    expect(await savedRow(g.client.id)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
      whatsappOptOutAt: STOP_AT,
      reminder2h: true,
    });
  });

  it('a form shown before a STOP cannot turn WhatsApp back on; saved again from the page it is taken', async () => {
    const g = await guest();
    const s = new Session(h.app);
    const { hidden } = await openPage(s, g.url);
    await stop(g.phone);
    const form = { emailEnabled: 'on', whatsappEnabled: 'on', whatsappNumber: g.phone, reminderD2: 'on' };
    const stale = await s.request('POST', g.url, { form: { ...hidden, ...form } });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain(CHANGED_FR);
    expect(stale.body).toContain('role="alert"');
    expect(await savedRow(g.client.id)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
      reminder2h: true,
    });

    // The page shown again carries the state it now shows: the guest leaves WhatsApp off and saves.
    const again = /name="whatsappShown" value="([^"]*)"/.exec(stale.body)![1]!;
    expect(again).not.toBe(hidden.whatsappShown);
    const { whatsappEnabled: _, ...withoutWhatsApp } = form;
    const saved = await s.request('POST', g.url, {
      form: { ...hidden, whatsappShown: again, ...withoutWhatsApp },
    });
    expect(saved.statusCode).toBe(303);
    expect(await savedRow(g.client.id)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
      reminder2h: false,
    });
  });

  it('says it in English on an English page', async () => {
    const g = await guest();
    const s = new Session(h.app);
    const { hidden } = await openPage(s, `${g.url}?lang=en`);
    await stop(g.phone);
    const res = await s.request('POST', `${g.url}?lang=en`, {
      form: { ...hidden, whatsappEnabled: 'on', whatsappNumber: g.phone },
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(CHANGED_EN);
    expect(res.body).toContain('WhatsApp is off: a STOP reply was received from this number.');
  });

  it('a stale form that leaves WhatsApp as it now is still saves the rest', async () => {
    const g = await guest();
    const s = new Session(h.app);
    const { hidden } = await openPage(s, g.url);
    await stop(g.phone);
    const res = await s.request('POST', g.url, {
      form: { ...hidden, emailEnabled: 'on', whatsappNumber: g.phone, reminderD1: 'on' },
    });
    expect(res.statusCode).toBe(303);
    expect(await savedRow(g.client.id)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
      reminderD1: true,
      reminderD2: false,
    });
  });

  it('a form without the state it showed cannot change WhatsApp', async () => {
    const g = await guest({ row: false });
    const s = new Session(h.app);
    const { hidden } = await openPage(s, g.url);
    const res = await s.request('POST', g.url, {
      form: { _csrf: hidden._csrf, whatsappEnabled: 'on', whatsappNumber: g.phone },
    });
    expect(res.statusCode).toBe(409);
    expect(await savedRow(g.client.id)).toBeUndefined();
  });

  it('shows why WhatsApp is off', async () => {
    const g = await guest();
    await stop(g.phone);
    const { page } = await openPage(new Session(h.app), g.url);
    expect(page.body).toContain('data-testid="whatsapp-off-reason"');
    expect(page.body).toContain('une réponse STOP a été reçue de ce numéro');
  });
});

describe('a first save for someone with no preferences row yet', () => {
  it('made while a STOP creates the row: waits for it, and does not turn WhatsApp on', async () => {
    const g = await guest({ row: false });
    const s = new Session(h.app);
    const { hidden } = await openPage(s, g.url);
    const held = await stopHeldOpen(g.phone);
    const saving = s.request('POST', g.url, {
      form: { ...hidden, emailEnabled: 'on', whatsappEnabled: 'on', whatsappNumber: g.phone },
    });
    await blockedBy(held.pid);
    await held.commit();
    const res = await saving;
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(CHANGED_FR);
    expect(await savedRow(g.client.id)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
    });
  });

  it('two at once both succeed, one after the other', async () => {
    const g = await guest({ row: false });
    const a = new Session(h.app);
    const b = new Session(h.app);
    const [pa, pb] = [await openPage(a, g.url), await openPage(b, g.url)];
    const [ra, rb] = await Promise.all([
      a.request('POST', g.url, { form: { ...pa.hidden, emailEnabled: 'on', reminderD1: 'on' } }),
      b.request('POST', g.url, { form: { ...pb.hidden, emailEnabled: 'on', reminder2h: 'on' } }),
    ]);
    expect([ra.statusCode, rb.statusCode]).toEqual([303, 303]);
    const row = await savedRow(g.client.id);
    expect(row!.reminderD1 !== row!.reminder2h).toBe(true);
  });

  it('when the other first save has inserted but not committed, waits for it and saves over it', async () => {
    const g = await guest({ row: false });
    const s = new Session(h.app);
    const { hidden } = await openPage(s, g.url);
    const inserted = deferred<number>();
    const go = deferred();
    const other = h.database.db.transaction(async (tx) => {
      const [backend] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      await tx.insert(notificationPreferences).values({ clientId: g.client.id, reminderD2: false });
      inserted.resolve(backend!.pid);
      await go.promise;
    });
    const pid = await inserted.promise;
    const saving = s.request('POST', g.url, {
      form: {
        ...hidden,
        emailEnabled: 'on',
        whatsappEnabled: 'on',
        whatsappNumber: g.phone,
        reminderD1: 'on',
      },
    });
    await blockedBy(pid);
    go.resolve();
    await other;
    const res = await saving;
    expect(res.statusCode).toBe(303);
    expect(await savedRow(g.client.id)).toMatchObject({
      whatsappEnabled: true,
      whatsappConsentSource: 'preferences_page',
      reminderD1: true,
      reminderD2: false,
    });
  });
});
