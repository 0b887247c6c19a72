import { loans, notificationLog, scheduledReminders } from '@rappel/db';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { deferred, waitFor } from '@rappel/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../src/auth/api-keys';
import { closeLoan } from '../src/loans/lock-loan';
import { type Harness, NOW, startHarness } from './harness';

/**
 * The desk and the reminder sweep on the same loan at the same moment. The sweep holds a due
 * reminder's row (FOR UPDATE SKIP LOCKED) while it writes that reminder's messages, whose
 * foreign-key check takes FOR KEY SHARE on the loan; the desk locks the loan, then updates the
 * loan's reminders. With the loan locked FOR UPDATE, which FOR KEY SHARE waits for, each waited
 * for the other (40P01). These tests hold the two transactions in exactly that interleaving.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const desk: Caller = { keyId: 'test', name: 'desk', departmentId: null };

async function openLoan() {
  const { s, loan } = await h.openLoan();
  const loanId = loan.id;
  const reminder = (await h.planRows(loanId)).find((r) => r.kind === 'reminder_d2')!;
  return { departmentId: s.department.id, loanId, reminder };
}

/**
 * The sweep's transaction (fire-due-reminders.ts), stopped after its claim: the reminder's row
 * is locked and its messages not yet written. `fire()` lets it write them, mark the reminder
 * fired and commit.
 */
async function sweepHeldAfterClaim(loan: Awaited<ReturnType<typeof openLoan>>) {
  const claimed = deferred<number>();
  const go = deferred();
  const done = h.db.transaction(async (tx) => {
    const [backend] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    const due = await tx
      .select({ id: scheduledReminders.id, version: loans.version })
      .from(scheduledReminders)
      .innerJoin(loans, eq(loans.id, scheduledReminders.loanId))
      .where(and(eq(scheduledReminders.id, loan.reminder.id), eq(scheduledReminders.state, 'scheduled')))
      .for('update', { of: scheduledReminders, skipLocked: true });
    expect(due).toHaveLength(1);
    claimed.resolve(backend!.pid);
    await go.promise;
    const borrower = (await loadBorrower(tx, loan.loanId))!;
    await insertNotifications(
      tx,
      notificationRowsFor(
        {
          kind: 'reminder_d2',
          departmentId: loan.departmentId,
          loanId: loan.loanId,
          occurrence: 'v1',
          reminderId: loan.reminder.id,
        },
        borrower,
        { recordSkipped: true },
      ),
    );
    await tx
      .update(scheduledReminders)
      .set({ state: 'fired', firedAt: new Date(NOW) })
      .where(eq(scheduledReminders.id, loan.reminder.id));
  });
  done.catch(() => {});
  const pid = await Promise.race([claimed.promise, done.then(() => Promise.reject(new Error('no claim')))]);
  return {
    pid,
    fire: () => {
      go.resolve();
      return done;
    },
  };
}

/** Resolves once some other backend is waiting for a lock `pid` holds. */
const blockedBy = (pid: number) =>
  waitFor(
    async () => {
      const waiting = await h.db.execute<{ pid: number }>(
        sql`select pid from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`,
      );
      return waiting.length > 0;
    },
    { message: `a backend blocked by the sweep (${pid})` },
  );

describe('the desk and the reminder sweep on the same loan', () => {
  it('do not deadlock: the desk waits for the sweep, which does not wait for the desk', async () => {
    const loan = await openLoan();
    const sweep = await sweepHeldAfterClaim(loan);
    // The desk locks the loan, stamps it and goes for its reminders: it waits for the sweep.
    const closing = h.db.transaction((tx) => closeLoan(tx, desk, loan.loanId, 'cancelledAt', new Date(NOW)));
    closing.catch(() => {});
    await blockedBy(sweep.pid);
    // The sweep writes the reminder's messages for that loan (FOR KEY SHARE on it) and commits.
    await expect(sweep.fire()).resolves.toBeUndefined();
    await expect(closing).resolves.toMatchObject({ id: loan.loanId, cancelledAt: new Date(NOW) });
    expect((await h.planRows(loan.loanId)).find((r) => r.id === loan.reminder.id)).toMatchObject({
      state: 'fired',
    });
  });

  it('a due-date change made while the sweep fires an old reminder supersedes what it wrote', async () => {
    const loan = await openLoan();
    const sweep = await sweepHeldAfterClaim(loan);
    const changing = h.api('POST', `/v1/loans/${loan.loanId}/due-date`, { dueDate: '2026-12-08' });
    await blockedBy(sweep.pid);
    await sweep.fire();
    const res = await changing;
    expect(res.statusCode).toBe(200);
    expect(res.json().loan.version).toBe(2);
    const fired = await h.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.reminderId, loan.reminder.id));
    expect(fired.length).toBeGreaterThan(0);
    for (const row of fired.filter((r) => r.channel === 'email')) {
      expect(row).toMatchObject({ status: 'skipped', skipReason: 'superseded' });
    }
    expect(res.json().notifications.map((n: { id: string }) => n.id)).toEqual(
      fired.filter((r) => r.skipReason === 'superseded').map((r) => r.id),
    );
  });
});
