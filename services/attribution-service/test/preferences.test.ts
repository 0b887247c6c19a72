import { notificationPreferences } from '@rappel/db';
import { deferred, waitFor } from '@rappel/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, NOW, startHarness } from './harness';

/**
 * The desk's preferences: why WhatsApp is off, as the API says it, and two first writes for an
 * owner who has no preferences row yet.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const STOP_AT = new Date('2026-11-30T18:00:00.000Z');
const row = async (clientId: string) =>
  (
    await h.db.select().from(notificationPreferences).where(eq(notificationPreferences.clientId, clientId))
  )[0];

describe('whatsappOptOutReason', () => {
  it('says who turned WhatsApp off: the desk, an inbound STOP, the preferences page; null while on', async () => {
    const s = await h.fx.scene({ whatsapp: true });
    const url = `/v1/clients/${s.client.id}/preferences`;
    expect((await h.api('GET', url)).json()).toMatchObject({
      whatsappEnabled: true,
      whatsappOptOutAt: null,
      whatsappOptOutReason: null,
    });

    const byDesk = await h.api('PUT', url, { whatsappEnabled: false });
    expect(byDesk.json()).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutAt: NOW,
      whatsappOptOutReason: 'desk',
    });
    expect((await h.api('GET', url)).json()).toEqual(byDesk.json());

    const onAgain = await h.api('PUT', url, { whatsappEnabled: true, whatsappConsentSource: 'desk' });
    expect(onAgain.json()).toMatchObject({ whatsappOptOutAt: null, whatsappOptOutReason: null });

    // What whatsapp-sender's inbound STOP writes (services/whatsapp-sender/src/opt-out.ts).
    await h.db
      .update(notificationPreferences)
      .set({ whatsappEnabled: false, whatsappOptOutAt: STOP_AT, whatsappOptOutReason: 'inbound_stop' })
      .where(eq(notificationPreferences.clientId, s.client.id));
    expect((await h.api('GET', url)).json()).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutAt: STOP_AT.toISOString(),
      whatsappOptOutReason: 'inbound_stop',
    });
    // A desk change that leaves WhatsApp off on the same number keeps the STOP as the reason.
    expect((await h.api('PUT', url, { reminderD1: false })).json()).toMatchObject({
      whatsappOptOutReason: 'inbound_stop',
    });

    // What stats-service's preferences page writes (services/stats-service/src/preferences/store.ts).
    const user = `/v1/users/${s.staff.id}/preferences`;
    await h.fx.preferences(
      { userId: s.staff.id },
      { whatsappEnabled: false, whatsappOptOutAt: STOP_AT, whatsappOptOutReason: 'preferences_page' },
    );
    expect((await h.api('GET', user)).json()).toMatchObject({ whatsappOptOutReason: 'preferences_page' });
  });

  it('is in the preferences of a client or user created with them, and in the OpenAPI document', async () => {
    const s = await h.fx.scene();
    const client = await h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName: 'Paul',
      phone: '+24106999998',
      preferences: { whatsappEnabled: true },
    });
    expect(client.statusCode).toBe(201);
    expect(client.json().preferences).toMatchObject({ whatsappEnabled: true, whatsappOptOutReason: null });
    const user = await h.api('POST', '/v1/users', {
      departmentId: s.department.id,
      email: 'prefs-reason@hotel.test',
      fullName: 'Awa',
      role: 'dept_user',
      preferences: { reminderD1: false },
    });
    expect(user.statusCode).toBe(201);
    expect(user.json().preferences).toMatchObject({ whatsappEnabled: false, whatsappOptOutReason: null });

    const doc = (await h.api('GET', '/docs/json', undefined, { key: null })).json();
    const reason = doc.components.schemas.Preferences.properties.whatsappOptOutReason;
    expect(reason.description).toContain('inbound_stop');
    expect(reason.anyOf).toContainEqual(
      expect.objectContaining({ enum: ['inbound_stop', 'desk', 'preferences_page'] }),
    );
    expect(reason.anyOf).toContainEqual({ type: 'null' });
    expect(doc.components.schemas.Preferences.required).toContain('whatsappOptOutReason');
  });
});

describe('e-mail turned off at the desk', () => {
  it('records when, as the preferences page and the unsubscribe link do; turned on, clears it', async () => {
    const s = await h.fx.scene();
    const url = `/v1/clients/${s.client.id}/preferences`;
    await h.api('PUT', url, { emailEnabled: false });
    expect((await row(s.client.id))!.emailOptOutAt).toEqual(new Date(NOW));
    await h.api('PUT', url, { emailEnabled: true });
    expect((await row(s.client.id))!.emailOptOutAt).toBeNull();
  });
});

describe('a PUT with no field', () => {
  it('writes nothing: no row made for someone without one, and a saved row left as it was', async () => {
    const s = await h.fx.scene();
    const url = `/v1/clients/${s.client.id}/preferences`;
    const none = await h.api('PUT', url, {});
    expect(none.statusCode).toBe(200);
    expect(none.json()).toMatchObject({ saved: false, emailEnabled: true, whatsappEnabled: false });
    expect(await row(s.client.id)).toBeUndefined();

    await h.api('PUT', url, { reminderD1: false });
    const before = new Date('2026-01-01T00:00:00.000Z');
    await h.db
      .update(notificationPreferences)
      .set({ updatedAt: before })
      .where(eq(notificationPreferences.clientId, s.client.id));
    const same = await h.api('PUT', url, {});
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ saved: true, reminderD1: false });
    expect((await row(s.client.id))!.updatedAt).toEqual(before);
  });
});

describe('two first writes for an owner with no preferences row', () => {
  it('the second waits for the first’s insert, then writes over its row (no unique violation)', async () => {
    const s = await h.fx.scene();
    const inserted = deferred<number>();
    const go = deferred();
    const first = h.db.transaction(async (tx) => {
      const [backend] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      await tx.insert(notificationPreferences).values({ clientId: s.client.id, reminderD2: false });
      inserted.resolve(backend!.pid);
      await go.promise;
    });
    const pid = await inserted.promise;
    const second = h.api('PUT', `/v1/clients/${s.client.id}/preferences`, {
      whatsappEnabled: true,
      whatsappConsentSource: 'desk',
    });
    await waitFor(
      async () =>
        (
          await h.db.execute<{ pid: number }>(
            sql`select pid from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`,
          )
        ).length > 0,
      { message: 'the second write waiting for the first' },
    );
    go.resolve();
    await first;
    const res = await second;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      whatsappEnabled: true,
      reminderD2: false,
      whatsappConsentSource: 'desk',
    });
  });

  it('two at once both answer 200', async () => {
    const s = await h.fx.scene();
    const url = `/v1/users/${s.staff.id}/preferences`;
    const answers = await Promise.all([
      h.api('PUT', url, { reminderD1: false }),
      h.api('PUT', url, { reminder2h: false }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await h.api('GET', url)).json()).toMatchObject({ reminderD1: false, reminder2h: false });
  });
});
