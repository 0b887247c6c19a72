import { z } from 'zod';
import { CHANNELS, NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from './enums';

/**
 * The figures of one department's daily report, frozen by reminder-scheduler into the
 * `daily_report` notification_log row's `context` (jsonb) and rendered by the senders.
 * Instants are ISO 8601 strings with an offset (JSON has no dates); the report date is the
 * site's local date. Persisted in rows: add fields, never rename or repurpose one.
 */
const instant = z.iso.datetime({ offset: true });

/** One loan as a line of the report. */
export const dailyReportLoanSchema = z.object({
  loanId: z.uuid(),
  itemName: z.string(),
  inventoryNumber: z.string(),
  /** Client name, or the room's name for a room loan. */
  borrowerName: z.string(),
  /** Guest room number, when there is one. */
  roomNumber: z.string().nullable().optional(),
  dueAt: instant,
});
export type DailyReportLoan = z.infer<typeof dailyReportLoanSchema>;

/** A message that ended badly and deserves a look (permanent_failure, undelivered). */
export const dailyReportFailureSchema = z.object({
  notificationId: z.uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  channel: z.enum(CHANNELS),
  recipientName: z.string(),
  errorCode: z.string().nullable(),
  failedAt: instant,
});
export type DailyReportFailure = z.infer<typeof dailyReportFailureSchema>;

export const dailyReportSchema = z.object({
  /** Local date the report is for, YYYY-MM-DD in the site zone. */
  date: z.iso.date(),
  /** Loans of the department due back during that local day and not yet returned. */
  dueToday: z.array(dailyReportLoanSchema),
  /** Loans past their due instant and not returned, as of the report's making. */
  overdue: z.array(dailyReportLoanSchema),
  /** The department's messages of the previous local day, counted by status (absent = 0). */
  yesterdayByStatus: z.partialRecord(z.enum(NOTIFICATION_STATUSES), z.number().int().nonnegative()),
  failuresToReview: z.array(dailyReportFailureSchema),
});
export type DailyReport = z.infer<typeof dailyReportSchema>;
