import type { HistoryRow } from './history';

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'department',
  'kind',
  'channel',
  'recipient_type',
  'recipient_id',
  'recipient_name',
  'recipient_address',
  'status',
  'skip_reason',
  'attempts',
  'error_code',
  'error_message',
  'sent_at',
  'delivered_at',
  'read_at',
  'loan_id',
] as const;

/**
 * One CSV field (RFC 4180). A value a spreadsheet would run as a formula (= + - @ at the
 * start) is prefixed with a quote.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^\+\d+$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(row: HistoryRow): string {
  return `${[
    row.id,
    row.createdAt,
    row.departmentName,
    row.kind,
    row.channel,
    row.recipientType,
    row.recipientId,
    row.recipientName,
    row.recipientAddress,
    row.status,
    row.skipReason,
    row.attempts,
    row.errorCode,
    row.errorMessage,
    row.sentAt,
    row.deliveredAt,
    row.readAt,
    row.loanId,
  ]
    .map(csvField)
    .join(',')}\r\n`;
}

export async function* csvStream(rows: AsyncIterable<HistoryRow>): AsyncGenerator<string> {
  yield `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;
  for await (const row of rows) yield csvLine(row);
}
