import { notificationLog } from '@rappel/db';
import { insertNotifications, loadBorrower, loadManagers, notificationRowsFor } from '@rappel/outbox';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, NOW, startHarness } from './harness';

/**
 * What a due-date change and a cancellation do to the loan's messages already written and not
 * yet sent: those waiting (pending, or failed and waiting to retry) are withdrawn; one a worker
 * holds under a live lease is being sent at this moment and is left to that worker.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const at = (offsetMs: number) => new Date(new Date(NOW).getTime() + offsetMs);
/** A worker claimed it a moment ago: its lease runs for two more minutes. */
const LIVE_LEASE = at(120_000);
/** A worker that claimed it crashed: its lease has run out. */
const EXPIRED_LEASE = at(-1_000);

async function openLoan() {
  const { s, loan } = await h.openLoan({ whatsapp: true });
  return { s, loanId: loan.id };
}

/** One row of a message of the loan's version-1 plan, as the sweep writes it. */
async function planMessage(
  loanId: string,
  departmentId: string,
  kind: 'reminder_d2' | 'reminder_d1' | 'overdue' | 'overdue_escalation',
  channel: 'email' | 'whatsapp' = 'email',
) {
  const plan = await h.planRows(loanId);
  const reminder = plan.find((r) => r.kind === (kind === 'overdue_escalation' ? 'overdue' : kind))!;
  const recipient =
    kind === 'overdue_escalation'
      ? (await loadManagers(h.db, departmentId))[0]!
      : (await loadBorrower(h.db, loanId))!;
  const rows = notificationRowsFor(
    {
      kind,
      departmentId,
      loanId,
      occurrence: reminder.kind === 'overdue' ? 'v1#1' : 'v1',
      reminderId: reminder.id,
    },
    recipient,
    { recordSkipped: false },
  ).filter((r) => r.channel === channel);
  const [row] = await insertNotifications(h.db, rows);
  return row!.id;
}

const setRow = (id: string, values: Partial<typeof notificationLog.$inferInsert>) =>
  h.db.update(notificationLog).set(values).where(eq(notificationLog.id, id));
const rowOf = async (id: string) =>
  (await h.db.select().from(notificationLog).where(eq(notificationLog.id, id)))[0]!;

describe('a due-date change', () => {
  it("skips as superseded the old due date's unsent reminders, alerts and escalations, but not one being sent", async () => {
    const { s, loanId } = await openLoan();
    const waiting = await planMessage(loanId, s.department.id, 'reminder_d2');
    const retrying = await planMessage(loanId, s.department.id, 'reminder_d1');
    await setRow(retrying, { status: 'failed', errorCode: '421', nextAttemptAt: at(60_000) });
    const escalation = await planMessage(loanId, s.department.id, 'overdue_escalation');
    const abandoned = await planMessage(loanId, s.department.id, 'overdue');
    await setRow(abandoned, { leaseUntil: EXPIRED_LEASE });
    const manual = await h.api('POST', `/v1/loans/${loanId}/remind`);
    const manualRows: string[] = manual.json().notifications.map((n: { id: string }) => n.id);
    expect(manualRows).toHaveLength(2); // e-mail and WhatsApp
    // A worker is sending this one right now.
    const inFlight = (await h.logRows(loanId)).find(
      (r) => r.kind === 'loan_created' && r.channel === 'email',
    )!;
    await setRow(inFlight.id, { leaseUntil: LIVE_LEASE });
    const sentAlready = await planMessage(loanId, s.department.id, 'reminder_d2', 'whatsapp');
    await setRow(sentAlready, { status: 'sent', sentAt: at(-60_000) });

    const res = await h.api('POST', `/v1/loans/${loanId}/due-date`, { dueDate: '2026-12-08' });
    expect(res.statusCode).toBe(200);
    expect(res.json().loan.version).toBe(2);

    const superseded = [waiting, retrying, escalation, abandoned, ...manualRows];
    for (const id of superseded) {
      expect(await rowOf(id)).toMatchObject({
        status: 'skipped',
        skipReason: 'superseded',
        nextAttemptAt: null,
        updatedAt: new Date(NOW),
      });
    }
    expect(
      res
        .json()
        .notifications.map((n: { id: string }) => n.id)
        .sort(),
    ).toEqual(superseded.sort());
    expect(res.json().notifications.every((n: { status: string }) => n.status === 'skipped')).toBe(true);
    // Not of the due date: the loan's own message goes on, and so does what was sent.
    const loanCreated = (await h.logRows(loanId)).filter((r) => r.kind === 'loan_created');
    expect(loanCreated.map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(await rowOf(inFlight.id)).toMatchObject({ status: 'pending', leaseUntil: LIVE_LEASE });
    expect(await rowOf(sentAlready)).toMatchObject({ status: 'sent', skipReason: null });
  });

  it('leaves a reminder a worker is sending to that worker', async () => {
    const { s, loanId } = await openLoan();
    const inFlight = await planMessage(loanId, s.department.id, 'reminder_d2');
    await setRow(inFlight, { leaseUntil: LIVE_LEASE });
    const res = await h.api('POST', `/v1/loans/${loanId}/due-date`, { dueDate: '2026-12-08' });
    expect(res.statusCode).toBe(200);
    expect(res.json().notifications).toEqual([]);
    // Its worker records what happened: `sent` if the provider took it, or on its next attempt
    // `superseded`, as the row's plan (version 1) is no longer the loan's (delivery's mootReason).
    expect(await rowOf(inFlight)).toMatchObject({ status: 'pending', leaseUntil: LIVE_LEASE });
  });
});

describe('a cancellation', () => {
  it('cancels the messages waiting and leaves the one a worker is sending to that worker', async () => {
    const { s, loanId } = await openLoan();
    const [emailCreated, whatsappCreated] = (await h.logRows(loanId)).sort((a, b) =>
      a.channel.localeCompare(b.channel),
    );
    await setRow(whatsappCreated!.id, { leaseUntil: LIVE_LEASE });
    const retrying = await planMessage(loanId, s.department.id, 'reminder_d2');
    await setRow(retrying, { status: 'failed', nextAttemptAt: at(60_000), leaseUntil: EXPIRED_LEASE });

    const res = await h.api('POST', `/v1/loans/${loanId}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .notifications.map((n: { id: string }) => n.id)
        .sort(),
    ).toEqual([emailCreated!.id, retrying].sort());
    for (const id of [emailCreated!.id, retrying]) {
      expect(await rowOf(id)).toMatchObject({
        status: 'cancelled',
        skipReason: 'cancelled',
        nextAttemptAt: null,
      });
    }
    // Being sent: its worker settles `sent` (the row is still pending) or, if that attempt
    // fails, its next attempt finds the loan cancelled and skips it.
    expect(await rowOf(whatsappCreated!.id)).toMatchObject({
      status: 'pending',
      skipReason: null,
      leaseUntil: LIVE_LEASE,
    });
  });
});
