import {
  CHANNELS,
  DURATION_CLASSES,
  LANGUAGES,
  NOTIFICATION_EVENT_TYPES,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  RECIPIENT_TYPES,
  SKIP_REASONS,
  WHATSAPP_OPT_OUT_REASONS,
} from '@rappel/contracts';
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { clients, departments, users } from './core';
import { loans, scheduledReminders } from './loans';

/** Per client or per user (exactly one). Absent row = defaults (everything on). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').references(() => clients.id),
    userId: uuid('user_id').references(() => users.id),
    emailEnabled: boolean('email_enabled').notNull().default(true),
    whatsappEnabled: boolean('whatsapp_enabled').notNull().default(false),
    /** E.164; required when WhatsApp is on. */
    whatsappNumber: text('whatsapp_number'),
    reminderD2: boolean('reminder_d2').notNull().default(true),
    reminderD1: boolean('reminder_d1').notNull().default(true),
    reminderDueDay: boolean('reminder_due_day').notNull().default(true),
    reminder2h: boolean('reminder_2h').notNull().default(true),
    /** Where the WhatsApp consent came from ("desk", "preferences_page", "api") and when. */
    whatsappConsentSource: text('whatsapp_consent_source'),
    whatsappConsentAt: timestamp('whatsapp_consent_at', { withTimezone: true }),
    /**
     * When and by whom WhatsApp was turned off (an inbound STOP, the desk, the preferences page);
     * null while it is on. Only an inbound STOP's opt-out stands for the number itself.
     */
    whatsappOptOutAt: timestamp('whatsapp_opt_out_at', { withTimezone: true }),
    whatsappOptOutReason: text('whatsapp_opt_out_reason', { enum: WHATSAPP_OPT_OUT_REASONS }),
    emailOptOutAt: timestamp('email_opt_out_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('notification_preferences_owner_exactly_one', sql`num_nonnulls(${t.clientId}, ${t.userId}) = 1`),
    check(
      'notification_preferences_whatsapp_number',
      sql`not ${t.whatsappEnabled} or ${t.whatsappNumber} is not null`,
    ),
    uniqueIndex('notification_preferences_client_unique').on(t.clientId),
    uniqueIndex('notification_preferences_user_unique').on(t.userId),
    index('notification_preferences_whatsapp_number_idx').on(t.whatsappNumber),
  ],
);

/** One row per message per channel per recipient. Postgres is the truth; jobs carry the id. */
export const notificationLog = pgTable(
  'notification_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** See `idempotencyKey()` in @rappel/contracts. */
    idempotencyKey: text('idempotency_key').notNull(),
    loanId: uuid('loan_id').references(() => loans.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    reminderId: uuid('reminder_id').references(() => scheduledReminders.id),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    recipientType: text('recipient_type', { enum: RECIPIENT_TYPES }).notNull(),
    recipientId: uuid('recipient_id').notNull(),
    /** E-mail address or E.164 number at the time the row was made; null when there was none. */
    recipientAddress: text('recipient_address'),
    language: text('language', { enum: LANGUAGES }).notNull().default('fr'),
    durationClass: text('duration_class', { enum: DURATION_CLASSES }),
    occurrence: text('occurrence').notNull().default('1'),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull().default('pending'),
    skipReason: text('skip_reason', { enum: SKIP_REASONS }),
    attempts: integer('attempts').notNull().default(0),
    providerMessageId: text('provider_message_id'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The message this one replaces (fallback from WhatsApp to e-mail). */
    replacesId: uuid('replaces_id').references((): AnyPgColumn => notificationLog.id),
    /** Extra rendering data frozen at creation (manual reminder author, report date…). */
    context: jsonb('context').$type<Record<string, unknown>>(),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /**
     * A worker sending this message holds it until this instant, so a duplicate job for the
     * same row cannot send it a second time; a crashed worker's lease simply runs out.
     */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_log_idempotency_unique').on(t.idempotencyKey),
    index('notification_log_loan_idx').on(t.loanId),
    index('notification_log_department_created_idx').on(t.departmentId, t.createdAt, t.id),
    index('notification_log_created_idx').on(t.createdAt, t.id),
    index('notification_log_status_next_attempt_idx')
      .on(t.status, t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'failed')`),
    index('notification_log_provider_message_idx').on(t.providerMessageId),
    /**
     * Fallback rows only, a few: without it every deleted row's foreign-key check (is it some
     * row's `replaces_id`?) read the whole log, and the retention purge took 112 s per 1 000
     * rows on a log of a million (docs/benchmarks.md, "The retention purge read the whole log").
     */
    index('notification_log_replaces_idx').on(t.replacesId).where(sql`${t.replacesId} is not null`),
  ],
);

/** Audit trail of one message: every attempt, error, callback and replay. */
export const notificationEvents = pgTable(
  'notification_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notificationLog.id, { onDelete: 'cascade' }),
    type: text('type', { enum: NOTIFICATION_EVENT_TYPES }).notNull(),
    status: text('status', { enum: NOTIFICATION_STATUSES }),
    attempt: integer('attempt'),
    errorCode: text('error_code'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    /** Who caused it: a user id for a replay, "twilio" for a callback, a service name otherwise. */
    actor: text('actor'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notification_events_notification_idx').on(t.notificationId, t.at)],
);

/**
 * Twilio status callbacks that name a message SID no row carries yet. Twilio can call back
 * before the sender has written down the SID its API call returned (the settle comes after the
 * response); such a callback is held here and applied by the whatsapp-sender's sweep once the
 * SID is on its row. A callback still unmatched after a day (another system's message on the
 * same account) is dropped.
 */
export const heldStatusCallbacks = pgTable(
  'held_status_callbacks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageSid: text('message_sid').notNull(),
    twilioStatus: text('twilio_status').notNull(),
    errorCode: text('error_code'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // A callback Twilio sends again is held once.
    unique('held_status_callbacks_callback_unique')
      .on(t.messageSid, t.twilioStatus, t.errorCode)
      .nullsNotDistinct(),
    index('held_status_callbacks_received_idx').on(t.receivedAt),
  ],
);
