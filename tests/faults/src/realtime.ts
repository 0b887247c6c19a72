import { notificationLog } from '@rappel/db';
import { sql } from 'drizzle-orm';
import { createDesk, loansWithReminderAt } from './borrowers';
import { type Counts, type ExpectedMessage, settle, statusCounts } from './ledger';
import { SCALE } from './scale';
import { type Scenario, startScenario } from './scenario';

export interface RealtimeResult {
  counts: Counts;
  statuses: Record<string, number>;
  /** Seconds from a reminder's fire_at to its message being accepted by the provider. */
  latency: { max: number; p50: number };
  loans: number;
}

/**
 * Issue 4's real-time test: three scheduler processes, two e-mail and two WhatsApp workers
 * against one Postgres and one Redis; `loans` reminders fall due over the next
 * `spreadSeconds`, each to a borrower with e-mail and WhatsApp on. `during` runs once the
 * first reminders are due (scenario 7 kills Redis there).
 */
export async function startRealtime(label: string): Promise<Scenario> {
  const s = await startScenario(label);
  // One at a time: seven processes booting together on two cores would only slow each other.
  for (let i = 0; i < 3; i++) await s.start('reminder-scheduler');
  for (let i = 0; i < 2; i++) await s.start('email-sender');
  for (let i = 0; i < 2; i++) await s.start('whatsapp-sender');
  return s;
}

export async function runRealtime(
  s: Scenario,
  { loans: n, spreadSeconds, during }: { loans: number; spreadSeconds: number; during?: () => Promise<void> },
): Promise<RealtimeResult> {
  const desk = await createDesk(s.tdb.db, n);
  const start = Date.now() + 5_000;
  const planned = await loansWithReminderAt(
    s.tdb.db,
    desk,
    desk.borrowers.map((_, i) => new Date(start + Math.floor((i * spreadSeconds * 1_000) / n))),
  );
  if (during) {
    await new Promise((r) => setTimeout(r, Math.max(0, start - Date.now()) + (spreadSeconds * 1_000) / 3));
    await during();
  }
  const expected: ExpectedMessage[] = planned.flatMap((l) =>
    (['email', 'whatsapp'] as const).map((channel) => ({ channel, loanId: l.loanId, kind: 'reminder_2h' })),
  );
  const loanOfPhone = new Map(planned.map((l) => [l.borrower.phone, l.loanId]));
  const counts = await settle(s, expected, loanOfPhone, { timeoutMs: spreadSeconds * 1_000 + 180_000 });
  const [latency] = await s.tdb.db
    .select({
      max: sql<number>`coalesce(max(extract(epoch from ${notificationLog.sentAt} - ${notificationLog.scheduledAt})), 0)::float8`,
      p50: sql<number>`coalesce(percentile_cont(0.5) within group (order by extract(epoch from ${notificationLog.sentAt} - ${notificationLog.scheduledAt})), 0)::float8`,
    })
    .from(notificationLog);
  return { counts, statuses: await statusCounts(s), latency: latency!, loans: n };
}

export const realtimeSize = { loans: SCALE.realtimeLoans, spreadSeconds: SCALE.realtimeSpreadSeconds };
