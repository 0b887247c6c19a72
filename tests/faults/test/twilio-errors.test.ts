/**
 * Scenario 5: Twilio answering 429 and 500 for a while. Every WhatsApp message is retried with
 * backoff and sent once Twilio recovers; none fails for good (so no e-mail fallback either);
 * and the configured rate limit (WHATSAPP_RATE_LIMIT_PER_SECOND) holds throughout, counted at
 * the Twilio server over every request, refused ones included.
 */
import { TWILIO_ERRORS } from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesk, loansWithReminderAt } from '../src/borrowers';
import { type ExpectedMessage, report, settle, statusCounts } from '../src/ledger';
import { SCALE } from '../src/scale';
import { type Scenario, startScenario } from '../src/scenario';

let s: Scenario;
const rate = SCALE.twilioRatePerSecond;
const arrivals: number[] = [];

beforeAll(async () => {
  s = await startScenario('twilio-errors');
  // Arrival time of every request the Twilio server receives.
  const requests = s.twilio.requests;
  const push = requests.push.bind(requests);
  requests.push = (...items) => {
    for (const _ of items) arrivals.push(performance.now());
    return push(...items);
  };
  await Promise.all([
    s.start('reminder-scheduler'),
    s.start('email-sender'),
    s.start('whatsapp-sender', {
      RETRY_BASE_DELAY_MS: String(SCALE.twilioRetryBaseMs),
      WHATSAPP_RATE_LIMIT_PER_SECOND: String(rate),
    }),
  ]);
});

afterAll(async () => {
  await s?.close();
});

/** Most requests seen in any window of `seconds`. */
function busiest(times: number[], seconds: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= seconds * 1_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('Twilio answering 429 and 500 for a while', () => {
  it('retries with backoff until sent, within the rate limit', async () => {
    const n = SCALE.streamedLoans;
    const desk = await createDesk(s.tdb.db, n);
    for (let i = 0; i < 100_000; i++) {
      s.twilio.failNext(i % 2 === 0 ? TWILIO_ERRORS.tooManyRequests : TWILIO_ERRORS.internal);
    }
    const now = Date.now();
    const loans = await loansWithReminderAt(
      s.tdb.db,
      desk,
      desk.borrowers.map(() => new Date(now + 1_000)),
    );
    await new Promise((r) => setTimeout(r, SCALE.twilioOutageSeconds * 1_000));
    const refusedDuringOutage = s.twilio.requests.length;
    s.twilio.clearFailures();

    const expected: ExpectedMessage[] = loans.flatMap((l) =>
      (['email', 'whatsapp'] as const).map((channel) => ({ channel, loanId: l.loanId, kind: 'reminder_2h' })),
    );
    const loanOfPhone = new Map(loans.map((l) => [l.borrower.phone, l.loanId]));
    const counts = await settle(s, expected, loanOfPhone, {
      timeoutMs: 8 * SCALE.twilioRetryBaseMs + 60_000,
    });
    const statuses = await statusCounts(s);
    const windows = [1, 2, 5].map((w) => ({ w, most: busiest(arrivals, w) }));
    report('5 twilio-429-500', counts, {
      outageSeconds: SCALE.twilioOutageSeconds,
      ratePerSecond: rate,
      requests: s.twilio.requests.length,
      refused: s.twilio.requests.filter((r) => r.status >= 400).length,
      busiest1s: windows[0]!.most,
      busiest5s: windows[2]!.most,
      rows: JSON.stringify(statuses),
    });
    expect(refusedDuringOutage).toBeGreaterThan(0);
    expect(counts).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0 });
    expect(statuses).toEqual({ sent: 2 * n });
    // BullMQ's limiter allows `rate` job starts per window of one second: any w seconds overlap
    // at most w + 1 such windows.
    for (const { w, most } of windows) expect(most).toBeLessThanOrEqual((w + 1) * rate);
  });
});
