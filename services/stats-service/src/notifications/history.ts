import { DateTime } from 'luxon';
import type postgres from 'postgres';
import type { Scope } from '../scope';
import type { HistoryFilter } from './filters';

export interface HistoryRow {
  id: string;
  createdAt: Date;
  departmentId: string;
  departmentName: string;
  loanId: string | null;
  kind: string;
  channel: string;
  recipientType: string;
  recipientId: string;
  recipientAddress: string | null;
  recipientName: string | null;
  status: string;
  skipReason: string | null;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  scheduledAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  nextAttemptAt: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque cursor: the last row's exact created_at (microseconds, as Postgres prints it) and id. */
export const encodeCursor = (createdAt: string, id: string) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value[0]) &&
      typeof value[1] === 'string' &&
      UUID.test(value[1])
    )
      return [value[0], value[1]];
  } catch {}
  return null;
}

/** WHERE clause of every history query; `scope` always applies, whatever the filter says. */
export function historyWhere(sql: postgres.Sql, scope: Scope, filter: HistoryFilter, zone: string) {
  const parts: postgres.PendingQuery<postgres.Row[]>[] = [];
  if (!scope.all) parts.push(sql`l.department_id = ${scope.departmentId}`);
  if (filter.department) parts.push(sql`l.department_id = ${filter.department}`);
  if (filter.status?.length) parts.push(sql`l.status in ${sql(filter.status)}`);
  if (filter.channel?.length) parts.push(sql`l.channel in ${sql(filter.channel)}`);
  if (filter.kind?.length) parts.push(sql`l.kind in ${sql(filter.kind)}`);
  if (filter.loan) parts.push(sql`l.loan_id = ${filter.loan}`);
  if (filter.recipient) {
    parts.push(
      UUID.test(filter.recipient)
        ? sql`l.recipient_id = ${filter.recipient}`
        : sql`lower(l.recipient_address) = ${filter.recipient.toLowerCase()}`,
    );
  }
  if (filter.from)
    parts.push(sql`l.created_at >= ${DateTime.fromISO(filter.from, { zone }).toUTC().toISO()}::timestamptz`);
  if (filter.to)
    parts.push(
      sql`l.created_at < ${DateTime.fromISO(filter.to, { zone }).plus({ days: 1 }).toUTC().toISO()}::timestamptz`,
    );
  return parts.reduce((acc, part) => sql`${acc} and ${part}`, sql`true`);
}

const SELECT_COLUMNS = (sql: postgres.Sql) => sql`
  l.id, l.created_at, l.department_id, d.name as department_name, l.loan_id, l.kind, l.channel,
  l.recipient_type, l.recipient_id, l.recipient_address,
  coalesce(c.full_name, u.full_name) as recipient_name,
  l.status, l.skip_reason, l.attempts, l.error_code, l.error_message, l.scheduled_at, l.sent_at,
  l.delivered_at, l.read_at, l.next_attempt_at,
  to_char(l.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_ts`;

const FROM = (sql: postgres.Sql) => sql`
  notification_log l
  join departments d on d.id = l.department_id
  left join clients c on l.recipient_type = 'client' and c.id = l.recipient_id
  left join users u on l.recipient_type = 'user' and u.id = l.recipient_id`;

type RawRow = Record<string, unknown> & { cursor_ts: string; id: string };

/** drizzle's postgres.js setup leaves timestamps as Postgres prints them; V8 reads that format. */
const asDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));

const toRow = (r: RawRow): HistoryRow => ({
  id: r.id,
  createdAt: asDate(r.created_at)!,
  departmentId: r.department_id as string,
  departmentName: r.department_name as string,
  loanId: r.loan_id as string | null,
  kind: r.kind as string,
  channel: r.channel as string,
  recipientType: r.recipient_type as string,
  recipientId: r.recipient_id as string,
  recipientAddress: r.recipient_address as string | null,
  recipientName: r.recipient_name as string | null,
  status: r.status as string,
  skipReason: r.skip_reason as string | null,
  attempts: r.attempts as number,
  errorCode: r.error_code as string | null,
  errorMessage: r.error_message as string | null,
  scheduledAt: asDate(r.scheduled_at)!,
  sentAt: asDate(r.sent_at),
  deliveredAt: asDate(r.delivered_at),
  readAt: asDate(r.read_at),
  nextAttemptAt: asDate(r.next_attempt_at),
});

/** Newest first, keyset-paginated on (created_at, id). */
export async function listHistory(
  sql: postgres.Sql,
  scope: Scope,
  filter: HistoryFilter,
  page: { cursor?: [string, string] | null; limit: number },
  zone: string,
): Promise<{ items: HistoryRow[]; nextCursor: string | null }> {
  const after = page.cursor
    ? sql`and (l.created_at, l.id) < (${page.cursor[0]}::timestamptz, ${page.cursor[1]}::uuid)`
    : sql``;
  const rows = await sql<RawRow[]>`
    select ${SELECT_COLUMNS(sql)} from ${FROM(sql)}
    where ${historyWhere(sql, scope, filter, zone)} ${after}
    order by l.created_at desc, l.id desc
    limit ${page.limit + 1}`;
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(toRow), nextCursor: more && last ? encodeCursor(last.cursor_ts, last.id) : null };
}

/** Every matching row, newest first, read in batches (CSV export). */
export async function* streamHistory(
  sql: postgres.Sql,
  scope: Scope,
  filter: HistoryFilter,
  zone: string,
): AsyncGenerator<HistoryRow> {
  const cursor = sql<RawRow[]>`
    select ${SELECT_COLUMNS(sql)} from ${FROM(sql)}
    where ${historyWhere(sql, scope, filter, zone)}
    order by l.created_at desc, l.id desc`.cursor(500);
  for await (const batch of cursor) for (const row of batch) yield toRow(row);
}

export async function findNotification(sql: postgres.Sql, scope: Scope, id: string) {
  if (!UUID.test(id)) return null;
  const [row] = await sql<RawRow[]>`
    select ${SELECT_COLUMNS(sql)}, l.provider_message_id, l.occurrence, l.language, l.duration_class,
      l.replaces_id, l.failed_at
    from ${FROM(sql)}
    where l.id = ${id} ${scope.all ? sql`` : sql`and l.department_id = ${scope.departmentId}`}`;
  if (!row) return null;
  const events = await sql<
    {
      id: string;
      type: string;
      status: string | null;
      attempt: number | null;
      error_code: string | null;
      detail: Record<string, unknown> | null;
      actor: string | null;
      at: Date;
    }[]
  >`select id, type, status, attempt, error_code, detail, actor, at from notification_events
    where notification_id = ${id} order by at, id`;
  return {
    ...toRow(row),
    providerMessageId: row.provider_message_id as string | null,
    occurrence: row.occurrence as string,
    language: row.language as string,
    durationClass: row.duration_class as string | null,
    replacesId: row.replaces_id as string | null,
    failedAt: asDate(row.failed_at),
    events: events.map((e) => ({
      id: Number(e.id),
      type: e.type,
      status: e.status,
      attempt: e.attempt,
      errorCode: e.error_code,
      detail: e.detail,
      actor: e.actor,
      at: asDate(e.at)!,
    })),
  };
}
export type NotificationDetail = NonNullable<Awaited<ReturnType<typeof findNotification>>>;
