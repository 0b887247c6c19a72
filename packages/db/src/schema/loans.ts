import { DURATION_CLASSES, REMINDER_KINDS, REMINDER_STATES } from '@rappel/contracts';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clients, departments, items, rooms, users } from './core';

export const loans = pgTable(
  'loans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    clientId: uuid('client_id').references(() => clients.id),
    roomId: uuid('room_id').references(() => rooms.id),
    /** Staff member responsible; the borrower of record for a room loan. */
    responsibleUserId: uuid('responsible_user_id')
      .notNull()
      .references(() => users.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    durationClass: text('duration_class', { enum: DURATION_CLASSES }).notNull(),
    /** Bumped on every due-date change; reminders of older versions cannot fire. */
    version: integer('version').notNull().default(1),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('loans_borrower_exactly_one', sql`num_nonnulls(${t.clientId}, ${t.roomId}) = 1`),
    check('loans_due_after_start', sql`${t.dueAt} > ${t.startsAt}`),
    uniqueIndex('loans_one_open_per_item')
      .on(t.itemId)
      .where(sql`${t.returnedAt} is null and ${t.cancelledAt} is null`),
    index('loans_department_created_idx').on(t.departmentId, t.createdAt, t.id),
    index('loans_client_idx').on(t.clientId),
    index('loans_open_due_idx').on(t.dueAt).where(sql`${t.returnedAt} is null and ${t.cancelledAt} is null`),
  ],
);

/** A loan's reminder plan. One row per reminder per plan version. */
export const scheduledReminders = pgTable(
  'scheduled_reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    loanId: uuid('loan_id')
      .notNull()
      .references(() => loans.id),
    kind: text('kind', { enum: REMINDER_KINDS }).notNull(),
    /** 1 for pre-due kinds; 1..7 for overdue alerts. */
    occurrence: integer('occurrence').notNull().default(1),
    fireAt: timestamp('fire_at', { withTimezone: true }).notNull(),
    loanVersion: integer('loan_version').notNull(),
    state: text('state', { enum: REMINDER_STATES }).notNull().default('scheduled'),
    firedAt: timestamp('fired_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('scheduled_reminders_state_fire_at_idx').on(t.state, t.fireAt),
    // Also the index for look-ups by loan (its first column): a separate one on loan_id cost
    // ten more index entries for every new loan (migration 0011).
    uniqueIndex('scheduled_reminders_plan_unique').on(t.loanId, t.loanVersion, t.kind, t.occurrence),
  ],
);
