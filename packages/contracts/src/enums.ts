/**
 * Persisted vocabularies. These strings are stored in Postgres and in BullMQ job data:
 * never rename a value, only add new ones.
 */
export const NOTIFICATION_KINDS = [
  'loan_created',
  'reminder_2h',
  'reminder_d2',
  'reminder_d1',
  'reminder_due_day',
  'overdue',
  'loan_returned',
  'overdue_escalation',
  'daily_report',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds that a loan's reminder plan (`scheduled_reminders`) can hold. */
export const REMINDER_KINDS = [
  'reminder_2h',
  'reminder_d2',
  'reminder_d1',
  'reminder_due_day',
  'overdue',
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** Pre-due reminder kinds: each has its own preference toggle. */
export const PRE_DUE_REMINDER_KINDS = [
  'reminder_d2',
  'reminder_d1',
  'reminder_due_day',
  'reminder_2h',
] as const;
export type PreDueReminderKind = (typeof PRE_DUE_REMINDER_KINDS)[number];

/** Kinds addressed to the department's managers rather than the borrower. */
export const MANAGER_KINDS = ['overdue_escalation', 'daily_report'] as const;

/**
 * Kinds that speak of the loan's due date as it was when they were made: the plan's reminders
 * and overdue alerts (a manual reminder has one of these kinds too) and the managers' escalation.
 * They lose their point once the loan is back, and a due-date change supersedes them.
 */
export const DUE_DATE_KINDS = [...REMINDER_KINDS, 'overdue_escalation'] as const;

export const CHANNELS = ['email', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Lifecycle of one message (DESIGN.md, "Lifecycle of one message").
 * pending -> sent -> delivered -> read; pending -> failed -> sent | permanent_failure;
 * skipped; cancelled.
 */
export const NOTIFICATION_STATUSES = [
  'pending',
  'sent',
  'delivered',
  'read',
  'failed',
  'permanent_failure',
  'undelivered',
  'skipped',
  'cancelled',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Statuses a worker may still act on. */
export const ACTIONABLE_STATUSES = ['pending', 'failed'] as const satisfies readonly NotificationStatus[];

/** Why a message was recorded without being sent. */
export const SKIP_REASONS = [
  'channel_off',
  'toggle_off',
  'no_address',
  'returned',
  'cancelled',
  'superseded',
  'too_late',
  'opted_out',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * Who turned WhatsApp off (`notification_preferences.whatsapp_opt_out_reason`): the number itself
 * by an inbound STOP, the desk's systems (attribution-service's API), or the person on the
 * preferences page. Only `inbound_stop` speaks for the number, for every profile that has it, and
 * only it is undone by an inbound START.
 */
export const WHATSAPP_OPT_OUT_REASONS = ['inbound_stop', 'desk', 'preferences_page'] as const;
export type WhatsAppOptOutReason = (typeof WHATSAPP_OPT_OUT_REASONS)[number];

export const DURATION_CLASSES = ['short', 'medium', 'long'] as const;
export type DurationClass = (typeof DURATION_CLASSES)[number];

export const REMINDER_STATES = ['scheduled', 'fired', 'cancelled'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

export const USER_ROLES = ['super_admin', 'dept_manager', 'dept_user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const CLIENT_KINDS = ['guest', 'external', 'internal'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const RECIPIENT_TYPES = ['client', 'user'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

/** Event types of `notification_events`, the per-message audit trail. */
export const NOTIFICATION_EVENT_TYPES = [
  'created',
  'published',
  'attempt',
  'sent',
  'failed',
  'permanent_failure',
  'skipped',
  'callback',
  'replayed',
  'fallback',
  'cancelled',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

/**
 * A `fallback` event's `detail.reason` (persisted) when no fallback e-mail was made: the
 * WhatsApp message failed for good while the e-mail of the same cause was already sent or on its
 * way (whatsapp-sender writes it, with the e-mail's id; stats-service's history labels it).
 */
export const FALLBACK_ALREADY_BY_EMAIL = 'already_by_email';

/**
 * A `fallback` event's `detail.reason` (persisted) when no fallback e-mail was made because the
 * e-mail of the same cause already ended `permanent_failure` at the address the fallback would
 * use: it would fail the same way (whatsapp-sender writes it, with that e-mail's id;
 * stats-service's history labels it).
 */
export const FALLBACK_EMAIL_FAILED = 'email_failed';

/**
 * The error codes our own code gives a failed message (persisted in `error_code`, beside the
 * providers' own: SMTP replies, Twilio codes, system errors). stats-service explains each one
 * to the managers; a test keeps that list complete.
 */
export const DELIVERY_ERROR_CODES = {
  /** The WhatsApp address is not a number WhatsApp can be sent to. */
  invalidNumber: 'INVALID_NUMBER',
  /** A template value the message needs is missing from its context. */
  missingData: 'MISSING_DATA',
  /** The e-mail could not be rendered. */
  renderFailed: 'RENDER_FAILED',
  /** The queue job does not name a message. */
  badPayload: 'BAD_PAYLOAD',
  /** An error that carried no code. */
  unknown: 'UNKNOWN',
} as const;
