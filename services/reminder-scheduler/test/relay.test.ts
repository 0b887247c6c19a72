import { notificationLog } from '@rappel/db';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { publishRows } from '@rappel/queue';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { relay } from '../src/jobs/relay';
import { createHarness, type Harness, sceneWithLoan, silentLogger } from './harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const NOW = new Date('2026-12-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

/** One e-mail row per "case", written as a producer would, then aged and set to a status. */
async function rowsInStates(h: Harness) {
  const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-09T08:00:00Z' });
  const borrower = (await loadBorrower(h.tdb.db, s.loan.id))!;
  const make = async (occurrence: string, set: Partial<typeof notificationLog.$inferInsert>) => {
    const [row] = await insertNotifications(
      h.tdb.db,
      notificationRowsFor(
        { kind: 'loan_created', departmentId: s.department.id, loanId: s.loan.id, occurrence },
        borrower,
        { recordSkipped: false },
      ),
    );
    await h.tdb.db.update(notificationLog).set(set).where(eq(notificationLog.id, row!.id));
    return { id: row!.id, channel: 'email' as const, kind: 'loan_created' as const };
  };
  return {
    live: await make('live', { updatedAt: minutesAgo(5) }),
    lost: await make('lost', { updatedAt: minutesAgo(5) }),
    stale: await make('stale', { updatedAt: minutesAgo(5) }),
    fresh: await make('fresh', { updatedAt: minutesAgo(0) }),
    failedDue: await make('failed-due', { status: 'failed', nextAttemptAt: minutesAgo(2) }),
    failedLater: await make('failed-later', { status: 'failed', nextAttemptAt: minutesAgo(-10) }),
    sent: await make('sent', { status: 'sent', updatedAt: minutesAgo(5) }),
  };
}

describe('relay', () => {
  it('queues again the rows whose job was lost, and never doubles a live one', async () => {
    h = await createHarness(NOW.toISOString());
    const r = await rowsInStates(h);
    await publishRows(h.queues, [r.live, r.lost, r.stale]);
    const liveJob = await h.queues.email.getJob(r.live.id);
    // Lost: its Redis keys are gone (Redis restarted without persistence for this job).
    await h.connection.del(`${h.prefix}:email:${r.lost.id}`);
    await h.connection.lrem(`${h.prefix}:email:wait`, 0, r.lost.id);
    expect(await h.queues.email.getJob(r.lost.id)).toBeUndefined();
    // Stale: a finished job under the same id would swallow a plain add.
    await h.connection.lrem(`${h.prefix}:email:wait`, 0, r.stale.id);
    await h.connection.zadd(`${h.prefix}:email:completed`, Date.now(), r.stale.id);
    expect(await (await h.queues.email.getJob(r.stale.id))?.getState()).toBe('completed');

    const deps = {
      db: h.tdb.db,
      queues: h.queues,
      clock: h.clock,
      logger: silentLogger,
      batchSize: 2,
      maxRowsPerTick: 100,
      graceSeconds: 10,
    };
    const first = await relay(deps);
    // Examined: live, lost, stale, failedDue. Queued again: all but live.
    expect(first).toEqual({ examined: 4, requeued: 3 });
    const waiting = (await h.queues.email.getWaiting()).map((j) => j.id).sort();
    expect(waiting).toEqual([r.live.id, r.lost.id, r.stale.id, r.failedDue.id].sort());
    expect((await h.queues.email.getJob(r.live.id))?.timestamp).toBe(liveJob!.timestamp);
    for (const id of [r.fresh.id, r.failedLater.id, r.sent.id]) {
      expect(await h.queues.email.getJob(id)).toBeUndefined();
    }
    // A second tick finds every row with a live job: nothing doubled.
    expect(await relay(deps)).toMatchObject({ requeued: 0 });
    expect(await h.queues.email.count()).toBe(4);
  });

  it('republishes everything after Redis lost all its jobs, in one tick, bounded per tick', async () => {
    h = await createHarness(NOW.toISOString());
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-09T08:00:00Z' });
    const borrower = (await loadBorrower(h.tdb.db, s.loan.id))!;
    const rows = Array.from({ length: 30 }, (_, i) =>
      notificationRowsFor(
        { kind: 'loan_created', departmentId: s.department.id, loanId: s.loan.id, occurrence: `n${i}` },
        borrower,
        { recordSkipped: false },
      ),
    ).flat();
    await insertNotifications(h.tdb.db, rows);
    await h.tdb.db.update(notificationLog).set({ updatedAt: minutesAgo(1) });
    const deps = {
      db: h.tdb.db,
      queues: h.queues,
      clock: h.clock,
      logger: silentLogger,
      batchSize: 7,
      graceSeconds: 10,
    };
    expect(await relay({ ...deps, maxRowsPerTick: 20 })).toEqual({ examined: 20, requeued: 20 });
    expect(await relay({ ...deps, maxRowsPerTick: 100 })).toEqual({ examined: 30, requeued: 10 });
    expect(await h.queues.email.count()).toBe(30);
    const [n] = await h.tdb.db.select({ n: sql<number>`count(*)::int` }).from(notificationLog);
    expect(n?.n).toBe(30);
  });
});
