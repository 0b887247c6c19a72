import { notificationPreferences } from '@rappel/db';
import { deferred, waitFor } from '@rappel/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, NOW, startHarness } from './harness';

/**
 * The desk's preferences: what it records, and two first writes for an owner who has no
 * preferences row yet.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const row = async (clientId: string) =>
  (
    await h.db.select().from(notificationPreferences).where(eq(notificationPreferences.clientId, clientId))
  )[0];

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
