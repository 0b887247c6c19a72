import type { Channel, NotificationKind } from '@rappel/contracts';
import { notificationLog } from '@rappel/db';
import { inArray, sql } from 'drizzle-orm';
import type { Scenario } from './scenario';
import { kindOfContentSid } from './scenario';

/** One message that must reach its provider exactly once. */
export interface ExpectedMessage {
  channel: Channel;
  loanId: string;
  kind: NotificationKind;
}

export interface Counts {
  expected: number;
  /** Expected messages that reached the provider at least once. */
  delivered: number;
  /** Extra copies: every arrival beyond the first of the same message. */
  duplicates: number;
  /** Expected messages that never arrived. */
  lost: number;
  /** Arrivals that match no expected message (should be 0). */
  unexpected: number;
  /** The first few messages lost or doubled, `channel|loan|kind`, to look into a failure. */
  examples?: { lost: string[]; doubled: string[] };
}

const keyOf = (m: ExpectedMessage) => `${m.channel}|${m.loanId}|${m.kind}`;

/**
 * What the providers received, counted by message: e-mails by their X-Rappel-Notification-Id
 * (mapped to loan and kind through notification_log), WhatsApp requests accepted by the Twilio
 * server by their recipient (one borrower per loan) and Content SID (one per kind).
 */
export async function arrivals(s: Scenario, loanOfPhone: Map<string, string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

  const ids = s.smtp.messages.map((m) => String(m.headers.get('x-rappel-notification-id') ?? ''));
  const known = new Map<string, { loanId: string | null; kind: NotificationKind }>();
  const distinct = [...new Set(ids.filter(Boolean))];
  for (let i = 0; i < distinct.length; i += 1_000) {
    const rows = await s.tdb.db
      .select({ id: notificationLog.id, loanId: notificationLog.loanId, kind: notificationLog.kind })
      .from(notificationLog)
      .where(inArray(notificationLog.id, distinct.slice(i, i + 1_000)));
    for (const r of rows) known.set(r.id, r);
  }
  for (const id of ids) {
    const row = known.get(id);
    add(row ? `email|${row.loanId}|${row.kind}` : `email|?|${id}`);
  }
  for (const { params } of s.twilio.messages) {
    const to = String(params.To ?? '').replace(/^whatsapp:/, '');
    const kind = kindOfContentSid(String(params.ContentSid ?? ''));
    add(`whatsapp|${loanOfPhone.get(to) ?? `?${to}`}|${kind ?? '?'}`);
  }
  return counts;
}

export function count(expected: ExpectedMessage[], received: Map<string, number>): Counts {
  const wanted = new Set(expected.map(keyOf));
  let delivered = 0;
  let duplicates = 0;
  let unexpected = 0;
  const doubled: string[] = [];
  for (const [key, n] of received) {
    duplicates += n - 1;
    if (n > 1) doubled.push(key);
    if (wanted.has(key)) delivered += 1;
    else unexpected += 1;
  }
  const lost = [...wanted].filter((key) => !received.has(key));
  return {
    expected: wanted.size,
    delivered,
    duplicates,
    lost: wanted.size - delivered,
    unexpected,
    examples: { lost: lost.slice(0, 5), doubled: doubled.slice(0, 5) },
  };
}

/** The line every scenario prints (docs/reliability.md quotes it). */
export function report(scenario: string, counts: Counts, extra: Record<string, unknown> = {}): string {
  const more = Object.entries(extra)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('');
  const line = `[faults] ${scenario}: expected=${counts.expected} delivered=${counts.delivered} duplicates=${counts.duplicates} lost=${counts.lost} unexpected=${counts.unexpected}${more}`;
  console.log(line);
  const { lost, doubled } = counts.examples ?? { lost: [], doubled: [] };
  if (lost.length + doubled.length > 0)
    console.log(`[faults] ${scenario}: lost ${lost.join(' ')}; doubled ${doubled.join(' ')}`);
  return line;
}

/** notification_log rows by status, e.g. { sent: 200, failed: 0 }. */
export async function statusCounts(s: Scenario): Promise<Record<string, number>> {
  const rows = await s.tdb.db
    .select({ status: notificationLog.status, n: sql<number>`count(*)::int` })
    .from(notificationLog)
    .groupBy(notificationLog.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Polls until every expected message arrived and every row is settled, or `timeoutMs` passes;
 * then waits `quietMs` more so late duplicates are counted too. Returns the final counts.
 */
export async function settle(
  s: Scenario,
  expected: ExpectedMessage[],
  loanOfPhone: Map<string, string>,
  { timeoutMs, quietMs = 3_000 }: { timeoutMs: number; quietMs?: number },
): Promise<Counts> {
  const deadline = Date.now() + timeoutMs;
  let counts = count(expected, await arrivals(s, loanOfPhone));
  while (Date.now() < deadline) {
    const statuses = await statusCounts(s);
    const open = (statuses.pending ?? 0) + (statuses.failed ?? 0);
    if (counts.lost === 0 && open === 0) break;
    await new Promise((r) => setTimeout(r, 500));
    counts = count(expected, await arrivals(s, loanOfPhone));
  }
  await new Promise((r) => setTimeout(r, quietMs));
  return count(expected, await arrivals(s, loanOfPhone));
}

/** Prints every row not yet settled with its audit trail, to look into a lost message. */
export async function explainOpenRows(s: Scenario): Promise<void> {
  const rows = await s.tdb.db.execute(sql`
    select n.id, n.channel, n.kind, n.status, n.attempts, n.lease_until, n.next_attempt_at, n.updated_at,
      n.error_code, coalesce(json_agg(json_build_array(e.type, e.error_code, e.actor, e.at) order by e.at)
        filter (where e.id is not null), '[]') as events
    from notification_log n left join notification_events e on e.notification_id = n.id
    where n.status in ('pending', 'failed') group by n.id limit 10`);
  for (const row of rows) console.log(`[faults] open row ${JSON.stringify(row)}`);
}
