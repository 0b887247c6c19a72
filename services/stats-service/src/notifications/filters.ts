import { CHANNELS, NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from '@rappel/contracts';
import { z } from 'zod';

/** A list parameter: repeated (`?status=a&status=b`) or comma-separated (`?status=a,b`). */
const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) =>
      v === undefined || v === ''
        ? undefined
        : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter(Boolean),
    z.array(z.enum(values)).optional(),
  );

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

/** History filters, shared by the API, the CSV export, bulk replay and the history page. */
export const historyFilterSchema = z.object({
  status: listOf(NOTIFICATION_STATUSES),
  channel: listOf(CHANNELS),
  kind: listOf(NOTIFICATION_KINDS),
  department: z.preprocess(blankToUndefined, z.uuid().optional()),
  loan: z.preprocess(blankToUndefined, z.uuid().optional()),
  /** A recipient id (uuid) or an exact e-mail address or phone number. */
  recipient: z.preprocess(blankToUndefined, z.string().trim().max(320).optional()),
  /** Local days (APP_TIMEZONE), both included. */
  from: z.preprocess(blankToUndefined, isoDate.optional()),
  to: z.preprocess(blankToUndefined, isoDate.optional()),
});
export type HistoryFilter = z.infer<typeof historyFilterSchema>;

export const historyQuerySchema = historyFilterSchema.extend({
  cursor: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;
