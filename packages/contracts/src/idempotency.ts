import type { Channel, NotificationKind, RecipientType } from './enums';

/**
 * The unique idempotency key of a notification_log row: one message per
 * (subject, kind, channel, recipient, occurrence). `subject` is the loan id, or for
 * loan-less kinds (daily_report) the department id. `occurrence` distinguishes legitimate
 * repeats: plan version and overdue number for reminders, the date for a daily report,
 * a request id for a manual reminder. Stored, so its format must never change.
 */
export interface IdempotencyParts {
  subjectId: string;
  kind: NotificationKind;
  channel: Channel;
  recipientType: RecipientType;
  recipientId: string;
  occurrence: string;
}

export const idempotencyKey = (p: IdempotencyParts): string =>
  [p.subjectId, p.kind, p.channel, `${p.recipientType}:${p.recipientId}`, p.occurrence].join('|');
