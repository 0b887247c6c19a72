/**
 * Scenario 2: an e-mail worker killed with SIGKILL in the middle of sending. The SMTP proxy holds
 * back the server's answer to each message's DATA, so the killed sends are in the worst state:
 * the provider accepted the message and the worker never learnt it. BullMQ's stalled-job check
 * hands the jobs to a new worker once their lock lapses, the row's lease has run out by then,
 * and the message goes out again. Nothing may be lost; a duplicate is possible only for a send
 * the provider accepted before the kill, so duplicates ≤ sends in flight at the kill.
 */
import { notificationLog } from '@rappel/db';
import { waitFor } from '@rappel/testing';
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesk, loansWithReminderAt } from '../src/borrowers';
import { type ExpectedMessage, report, settle, statusCounts } from '../src/ledger';
import { SCALE } from '../src/scale';
import { type Scenario, startScenario } from '../src/scenario';

let s: Scenario;
const inFlight = SCALE.killedInFlight;
const workerEnv = { EMAIL_CONCURRENCY: String(inFlight), SMTP_MAX_CONNECTIONS: String(inFlight) };

beforeAll(async () => {
  s = await startScenario('worker-sigkill');
  await Promise.all([s.start('reminder-scheduler'), s.start('email-sender', workerEnv)]);
});

afterAll(async () => {
  await s?.close();
});

describe('an e-mail worker killed with SIGKILL mid-send', () => {
  it('loses nothing; duplicates only for sends the provider had accepted', async () => {
    const desk = await createDesk(s.tdb.db, inFlight * 2, { whatsapp: false });
    s.smtpProxy.holdAfterData(true);
    const now = new Date();
    const loans = await loansWithReminderAt(
      s.tdb.db,
      desk,
      desk.borrowers.map(() => now),
    );
    // Every worker slot is taken by a send whose answer the proxy holds back.
    await waitFor(() => s.smtpProxy.held >= inFlight, {
      timeoutMs: 30_000,
      message: `${inFlight} sends in flight`,
    });
    const [claimed] = await s.tdb.db
      .select({ n: sql<number>`count(*)::int` })
      .from(notificationLog)
      .where(and(eq(notificationLog.status, 'pending'), gt(notificationLog.leaseUntil, sql`now()`)));
    const worker = s.services.find((p) => p.name === 'email-sender')!;
    // Messages whose DATA the server had in full when the worker died (its answer held back).
    const acceptedBeforeKill = s.smtpProxy.held;
    worker.child.kill('SIGKILL');
    await worker.stop();
    s.smtpProxy.holdAfterData(false);
    await s.start('email-sender');

    const expected: ExpectedMessage[] = loans.map((l) => ({
      channel: 'email',
      loanId: l.loanId,
      kind: 'reminder_2h',
    }));
    const counts = await settle(s, expected, new Map(), { timeoutMs: 150_000 });
    const statuses = await statusCounts(s);
    report('2 worker-sigkill', counts, {
      killedInFlight: claimed!.n,
      acceptedBeforeKill,
      rows: JSON.stringify(statuses),
    });
    expect(counts).toMatchObject({ lost: 0, unexpected: 0 });
    expect(counts.duplicates).toBeLessThanOrEqual(claimed!.n);
    expect(counts.duplicates).toBeLessThanOrEqual(acceptedBeforeKill);
    // The borrowers have WhatsApp off: those rows are recorded skipped.
    expect(statuses).toEqual({ sent: expected.length, skipped: expected.length });
  });
});
