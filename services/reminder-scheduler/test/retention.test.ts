import { randomUUID } from 'node:crypto';
import { NOTIFICATION_STATUSES } from '@rappel/contracts';
import { notificationEvents, notificationLog } from '@rappel/db';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { retention } from '../src/jobs/retention';
import { createHarness, type Harness, sceneWithLoan, silentLogger } from './harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const NOW = new Date('2026-12-01T02:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 3600 * 1000);

describe('retention', () => {
  it('deletes finished rows past the retention age, keeps pending and failed, anonymises if asked', async () => {
    h = await createHarness(NOW.toISOString());
    const s = await sceneWithLoan(h, { startsAt: '2026-08-01T08:00:00Z', dueAt: '2026-08-09T08:00:00Z' });
    const borrower = (await loadBorrower(h.tdb.db, s.loan.id))!;
    const ids: Record<string, string> = {};
    for (const status of NOTIFICATION_STATUSES) {
      for (const age of [120, 60, 10]) {
        const [row] = await insertNotifications(
          h.tdb.db,
          notificationRowsFor(
            {
              kind: 'loan_created',
              departmentId: s.department.id,
              loanId: s.loan.id,
              occurrence: `${status}-${age}`,
            },
            borrower,
            { recordSkipped: false },
          ),
        );
        await h.tdb.db
          .update(notificationLog)
          .set({ status, createdAt: daysAgo(age) })
          .where(eq(notificationLog.id, row!.id));
        await h.tdb.db
          .insert(notificationEvents)
          .values({ notificationId: row!.id, type: 'created', actor: 'test', at: daysAgo(age) });
        ids[`${status}-${age}`] = row!.id;
      }
    }
    // A kept row that replaced an old one (fallback) keeps working once its original is gone.
    await h.tdb.db
      .update(notificationLog)
      .set({ replacesId: ids['permanent_failure-120'] })
      .where(eq(notificationLog.id, ids['pending-10']!));

    // What the stats count, by day, status and month, before the purge.
    const figures = async () =>
      h.tdb.sql`
        select 'day' as grain, day::text as at, status, sum(count)::int as n from notification_daily_rollup_current
        group by day, status having sum(count) <> 0
        union all
        select 'month', month::text, status, sum(count)::int from notification_monthly_rollup_current
        group by month, status having sum(count) <> 0
        order by 1, 2, 3`;
    const before = [...(await figures())];
    expect(before.length).toBeGreaterThan(0);

    const summary = await retention({
      db: h.tdb.db,
      clock: h.clock,
      logger: silentLogger,
      retentionDays: 90,
      anonymiseAfterDays: 30,
      batchSize: 2,
    });
    expect(summary.deleted).toBe(7);
    // The messages went, their counts stayed; how far the purge reached is recorded for a
    // rebuild: the newest purged message was made 120 days ago.
    expect([...(await figures())]).toEqual(before);
    const [settings] = await h.tdb.sql`select history_purged_before from stats_settings where id = 1`;
    expect(new Date(settings!.history_purged_before)).toEqual(daysAgo(120));
    const left = await h.tdb.db
      .select({
        occurrence: notificationLog.occurrence,
        address: notificationLog.recipientAddress,
        replacesId: notificationLog.replacesId,
      })
      .from(notificationLog)
      .orderBy(asc(notificationLog.occurrence));
    const kept = left.map((r) => r.occurrence);
    for (const status of NOTIFICATION_STATUSES) {
      const keepsOld = status === 'pending' || status === 'failed';
      expect(kept.includes(`${status}-120`), status).toBe(keepsOld);
      expect(kept.includes(`${status}-60`)).toBe(true);
      expect(kept.includes(`${status}-10`)).toBe(true);
    }
    // Anonymised: finished rows older than 30 days; pending/failed still need their address.
    const address = (o: string) => left.find((r) => r.occurrence === o)?.address;
    expect(address('sent-60')).toBeNull();
    expect(address('sent-10')).toBe(s.client.email);
    expect(address('pending-120')).toBe(s.client.email);
    expect(address('failed-60')).toBe(s.client.email);
    expect(summary.anonymised).toBe(7);
    expect(left.find((r) => r.occurrence === 'pending-10')?.replacesId).toBeNull();
    // Events went with their rows.
    const events = await h.tdb.db.select().from(notificationEvents);
    expect(events).toHaveLength(left.length);
    // Idempotent: a second run finds nothing more.
    expect(
      await retention({
        db: h.tdb.db,
        clock: h.clock,
        logger: silentLogger,
        retentionDays: 90,
        anonymiseAfterDays: 30,
        batchSize: 2,
      }),
    ).toEqual({ deleted: 0, anonymised: 0 });
  });

  it("finds a deleted message's fallbacks through an index, not by reading the whole log", async () => {
    // The foreign-key check Postgres runs for every deleted row, and the purge's unlinking.
    h = await createHarness(NOW.toISOString());
    const plan = await h.tdb.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return tx`explain select 1 from notification_log where replaces_id = ${randomUUID()}::uuid for key share`;
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('notification_log_replaces_idx');
  });
});
