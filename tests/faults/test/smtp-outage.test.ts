/**
 * Scenario 4: the SMTP server unreachable for a while (connections refused and reset), then
 * back. Reminders fire during the outage: each e-mail goes `failed` (with a retry time), is
 * retried with backoff, and is `sent` once the server is back; none becomes permanent_failure.
 * The design's "2 minutes down" is compressed: RETRY_BASE_DELAY_MS is shortened in proportion,
 * so the outage still lasts several retries but less than the whole retry budget.
 */
import { notificationEvents, notificationLog } from '@rappel/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesk, loansWithReminderAt } from '../src/borrowers';
import { type ExpectedMessage, report, settle, statusCounts } from '../src/ledger';
import { SCALE } from '../src/scale';
import { type Scenario, startScenario } from '../src/scenario';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario('smtp-outage');
  await Promise.all([
    s.start('reminder-scheduler'),
    s.start('email-sender', { RETRY_BASE_DELAY_MS: String(SCALE.smtpRetryBaseMs) }),
  ]);
});

afterAll(async () => {
  await s?.close();
});

describe('SMTP down for a while, then back', () => {
  it('retries every e-mail until it is sent; none fails for good', async () => {
    const n = Math.round(SCALE.streamedLoans / 2);
    const desk = await createDesk(s.tdb.db, n, { whatsapp: false });
    s.smtpProxy.down();
    const now = Date.now();
    const loans = await loansWithReminderAt(
      s.tdb.db,
      desk,
      desk.borrowers.map((_, i) => new Date(now + 1_000 + ((i % 4) * 1_000) / 4)),
    );
    await new Promise((r) => setTimeout(r, SCALE.smtpOutageSeconds * 1_000));
    const failedDuringOutage = await statusCounts(s);
    s.smtpProxy.up();

    const expected: ExpectedMessage[] = loans.map((l) => ({
      channel: 'email',
      loanId: l.loanId,
      kind: 'reminder_2h',
    }));
    const counts = await settle(s, expected, new Map(), { timeoutMs: 8 * SCALE.smtpRetryBaseMs + 60_000 });
    const statuses = await statusCounts(s);
    // Each e-mail's history: at least one `failed` attempt, then `sent`.
    const histories = await s.tdb.db
      .select({
        id: notificationLog.id,
        status: notificationLog.status,
        attempts: notificationLog.attempts,
        failures: sql<number>`count(*) filter (where ${notificationEvents.type} = 'failed')::int`,
      })
      .from(notificationLog)
      .leftJoin(notificationEvents, eq(notificationEvents.notificationId, notificationLog.id))
      .where(eq(notificationLog.channel, 'email'))
      .groupBy(notificationLog.id);
    const retried = histories.filter((h) => h.failures > 0 && h.status === 'sent').length;
    report('4 smtp-outage', counts, {
      outageSeconds: SCALE.smtpOutageSeconds,
      retryBaseMs: SCALE.smtpRetryBaseMs,
      failedThenSent: retried,
      maxAttempts: Math.max(...histories.map((h) => h.attempts)),
      rowsDuringOutage: JSON.stringify(failedDuringOutage),
      rows: JSON.stringify(statuses),
    });
    expect(failedDuringOutage.failed).toBeGreaterThan(0);
    expect(counts).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0 });
    expect(statuses.permanent_failure ?? 0).toBe(0);
    expect(statuses).toEqual({ sent: n, skipped: n });
    expect(retried).toBe(n);
  });
});
