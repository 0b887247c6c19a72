/**
 * Scenario 1: Redis restarted with no persistence while loans stream in over HTTP and their
 * reminders fire. Every job, delayed retry and job scheduler is gone; Postgres still has every
 * row. The relay must queue again whatever had no live job, and every message must reach the
 * SMTP and Twilio servers exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesk } from '../src/borrowers';
import { report, settle, statusCounts } from '../src/ledger';
import { SCALE } from '../src/scale';
import { type Scenario, startScenario } from '../src/scenario';
import { expectedForLoans, phoneMap, streamLoans } from '../src/stream';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario('redis-restart');
  await Promise.all([
    s.start('attribution-service'),
    s.start('reminder-scheduler'),
    s.start('email-sender'),
    s.start('whatsapp-sender'),
  ]);
});

afterAll(async () => {
  await s?.close();
});

describe('Redis restarted without persistence mid-stream', () => {
  it('loses nothing and sends nothing twice', async () => {
    const n = SCALE.streamedLoans;
    const desk = await createDesk(s.tdb.db, n);
    const perSecond = Math.max(4, Math.round(n / 20));
    let outage: Promise<void> | undefined;
    const loans = await streamLoans(s, desk, {
      perSecond,
      // Reminders fall due from 3 s to 3 s + the stream's length: before, during and after the outage.
      reminderInMs: (i) => 3_000 + (i * 1_000) / perSecond,
      during: (i) => {
        if (i !== Math.floor(n / 3)) return;
        outage = (async () => {
          await s.redis.kill();
          await new Promise((r) => setTimeout(r, SCALE.redisOutageSeconds * 1_000));
          await s.redis.start();
        })();
      },
    });
    await outage;
    // Requests made while Redis was down still succeed: the rows wait in Postgres for the relay.
    expect(loans.map((l) => l.answer.status).filter((st) => st !== 201)).toEqual([]);

    const expected = expectedForLoans(loans);
    const counts = await settle(s, expected, phoneMap(loans), { timeoutMs: 120_000 });
    const statuses = await statusCounts(s);
    report('1 redis-restart', counts, {
      outageSeconds: SCALE.redisOutageSeconds,
      rows: JSON.stringify(statuses),
    });
    expect(counts).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0 });
    expect(statuses).toEqual({ sent: expected.length });
  });
});
