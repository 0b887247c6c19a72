import {
  CHANNELS,
  DURATION_CLASSES,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  REMINDER_KINDS,
  REMINDER_STATES,
} from '@rappel/contracts';
import { z } from 'zod';
import { paginationQuery } from '../http/pagination';
import { instantIn, instantOut, localDate, localTimeOfDay, multiLine } from '../http/schemas';

export const LOAN_STATUSES = ['open', 'overdue', 'returned', 'cancelled'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/**
 * The return is either an instant (`dueAt`, with its offset) or a local date (`dueDate`) with
 * an optional local time (`dueTime`, default DEFAULT_RETURN_TIME) in the site zone.
 */
const dueFields = {
  dueAt: instantIn.optional().describe('ISO 8601 instant with offset, e.g. 2026-12-04T10:00:00+01:00'),
  dueDate: localDate.optional().describe('Local return date (site zone), YYYY-MM-DD'),
  dueTime: localTimeOfDay.optional().describe('Local return time HH:MM; default DEFAULT_RETURN_TIME'),
};

export const createLoanBody = z
  .object({
    itemId: z.uuid(),
    /** Exactly one of clientId and roomId. */
    clientId: z.uuid().nullish(),
    roomId: z.uuid().nullish(),
    /** Staff member of the item's department; receives the messages of a room loan. */
    responsibleUserId: z.uuid(),
    startsAt: instantIn.optional().describe('Default: now'),
    ...dueFields,
    notes: multiLine({ max: 2000 }).optional(),
  })
  .strict();
export type CreateLoanBody = z.infer<typeof createLoanBody>;

export const changeDueBody = z.object(dueFields).strict();
export type DueBody = z.infer<typeof changeDueBody>;

export const listLoansQuery = paginationQuery.extend({
  status: z.enum(LOAN_STATUSES).optional(),
  departmentId: z.uuid().optional(),
  clientId: z.uuid().optional(),
  itemId: z.uuid().optional(),
  roomId: z.uuid().optional(),
});
export type ListLoansQuery = z.infer<typeof listLoansQuery>;

export const loanSchema = z
  .object({
    id: z.uuid(),
    itemId: z.uuid(),
    clientId: z.uuid().nullable(),
    roomId: z.uuid().nullable(),
    responsibleUserId: z.uuid(),
    departmentId: z.uuid(),
    startsAt: instantOut,
    dueAt: instantOut,
    returnedAt: instantOut.nullable(),
    cancelledAt: instantOut.nullable(),
    durationClass: z.enum(DURATION_CLASSES),
    version: z.number().int(),
    status: z.enum(LOAN_STATUSES),
    notes: z.string().nullable(),
    createdAt: instantOut,
    updatedAt: instantOut,
  })
  .meta({ id: 'Loan' });
export type LoanDto = z.infer<typeof loanSchema>;

export const notificationSummarySchema = z
  .object({
    id: z.uuid(),
    channel: z.enum(CHANNELS),
    kind: z.enum(NOTIFICATION_KINDS),
    status: z.enum(NOTIFICATION_STATUSES),
  })
  .meta({ id: 'NotificationSummary' });

export const reminderSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(REMINDER_KINDS),
    occurrence: z.number().int(),
    fireAt: instantOut,
    loanVersion: z.number().int(),
    state: z.enum(REMINDER_STATES),
  })
  .meta({ id: 'ScheduledReminder' });

/** A loan change and what it caused: the messages made now and the loan's current plan. */
export const loanEffectsSchema = z.object({
  loan: loanSchema,
  notifications: z.array(notificationSummarySchema),
  reminders: z.array(reminderSchema),
});
