/**
 * Scenario 3: Postgres unreachable for a while (a proxy between the services and the shared
 * Postgres resets every connection and refuses new ones, as a restart does) while loans stream
 * in. Requests during the outage must fail fast with 503 and a clean error body, never hang;
 * nothing may be half-written (every loan in the database has its plan and its notification
 * rows); the services reconnect on their own and every message of every loan goes out once.
 */
import { loans } from '@rappel/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesk } from '../src/borrowers';
import { type ExpectedMessage, explainOpenRows, report, settle, statusCounts } from '../src/ledger';
import { SCALE } from '../src/scale';
import { type Scenario, startScenario } from '../src/scenario';
import { streamLoans } from '../src/stream';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario('postgres-outage');
  await Promise.all([
    s.start('attribution-service'),
    s.start('reminder-scheduler'),
    // A worker that sent a message keeps trying to record it while its lease holds: the lease
    // must outlast the outage, as the default (120 s) does.
    s.start('email-sender', { DELIVERY_LEASE_SECONDS: '60' }),
    s.start('whatsapp-sender', { DELIVERY_LEASE_SECONDS: '60' }),
  ]);
});

afterAll(async () => {
  await s?.close();
});

describe('Postgres unreachable for a while', () => {
  it('answers 503 fast during the outage, writes nothing by halves, and loses nothing', async () => {
    const n = SCALE.streamedLoans;
    const desk = await createDesk(s.tdb.db, n);
    const perSecond = Math.max(4, Math.round(n / 20));
    const downAt = Math.floor(n / 3);
    let outage: Promise<void> | undefined;
    const streamed = await streamLoans(s, desk, {
      perSecond,
      reminderInMs: (i) => 3_000 + (i * 1_000) / perSecond,
      during: (i) => {
        if (i !== downAt) return;
        outage = (async () => {
          s.pg.down();
          await new Promise((r) => setTimeout(r, SCALE.postgresOutageSeconds * 1_000));
          s.pg.up();
        })();
      },
      timeoutMs: 30_000,
    });
    await outage;

    // Every request got an answer, within a few seconds, and a failure is a clean 503.
    const answers = streamed.map((l) => l.answer);
    const api = s.services.find((p) => p.name === 'attribution-service')!;
    if (answers.some((a) => a.status === 0)) {
      console.log(`[faults] attribution-service exited ${api.child.exitCode}:\n${api.output().slice(-3000)}`);
    }
    expect(answers.filter((a) => a.status === 0)).toEqual([]);
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(5_000);
    const refused = answers.filter((a) => a.status !== 201);
    for (const a of refused) {
      expect(a.status).toBe(503);
      expect(a.body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    }
    expect(refused.length).toBeGreaterThan(0);

    // Nothing half-written: every loan in the database (answered 201, or committed just as the
    // connection dropped) has its plan and its loan_created rows.
    const stored = await s.tdb.db
      .select({
        id: loans.id,
        clientId: loans.clientId,
        plan: sql<number>`(select count(*)::int from scheduled_reminders r where r.loan_id = loans.id)`,
        created: sql<number>`(select count(*)::int from notification_log n where n.loan_id = loans.id and n.kind = 'loan_created')`,
      })
      .from(loans)
      .where(eq(loans.departmentId, desk.departmentId));
    for (const loan of stored) {
      expect(loan.plan).toBeGreaterThan(0);
      expect(loan.created).toBe(2);
    }
    const answered201 = streamed.filter((l) => l.loanId).map((l) => l.loanId);
    expect(stored.map((l) => l.id)).toEqual(expect.arrayContaining(answered201));

    const phoneOfClient = new Map(desk.borrowers.map((b) => [b.clientId, b.phone]));
    const expected: ExpectedMessage[] = stored.flatMap((loan) =>
      (['loan_created', 'reminder_2h'] as const).flatMap((kind) =>
        (['email', 'whatsapp'] as const).map((channel) => ({ channel, loanId: loan.id, kind })),
      ),
    );
    const loanOfPhone = new Map(stored.map((l) => [phoneOfClient.get(l.clientId!)!, l.id]));
    const counts = await settle(s, expected, loanOfPhone, { timeoutMs: 120_000 });
    const statuses = await statusCounts(s);
    report('3 postgres-outage', counts, {
      outageSeconds: SCALE.postgresOutageSeconds,
      requests: answers.length,
      refused503: refused.length,
      slowestMs: Math.round(slowest),
      committedUnanswered: stored.length - answered201.length,
      rows: JSON.stringify(statuses),
    });
    if (counts.lost > 0) await explainOpenRows(s);
    expect(counts).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0 });
    expect(statuses).toEqual({ sent: expected.length });
  });
});
