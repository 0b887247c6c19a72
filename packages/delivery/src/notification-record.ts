import {
  ACTIONABLE_STATUSES,
  type NotificationEventType,
  type NotificationStatus,
  type SkipReason,
} from '@rappel/contracts';
import {
  clients,
  type Database,
  departments,
  type Executor,
  items,
  loans,
  notificationEvents,
  notificationLog,
  notificationPreferences,
  preparedQuery,
  rooms,
  users,
} from '@rappel/db';
import {
  and,
  eq,
  getTableColumns,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';

export type NotificationRow = typeof notificationLog.$inferSelect;

/**
 * What a message is about, read in the claim's statement: the department, the recipient's
 * name as it is now, and the loan with its item and borrower (null for a message without a
 * loan, such as a daily report).
 */
export interface MessageRelations {
  department: typeof departments.$inferSelect | null;
  recipientName: string | null;
  loan: typeof loans.$inferSelect | null;
  item: typeof items.$inferSelect | null;
  client: typeof clients.$inferSelect | null;
  room: typeof rooms.$inferSelect | null;
  /**
   * A WhatsApp row whose address, as written in the row, has a STOP on record (see the
   * whatsapp-sender's opt-out): false for other channels.
   */
  addressOptedOut: boolean;
}

/**
 * A STOP is on record for this WhatsApp number (E.164): the condition on notification_preferences
 * that the claim and the sender's own look-up share.
 */
export const stopOnRecord = (number: SQLWrapper) =>
  and(
    eq(notificationPreferences.whatsappNumber, number),
    eq(notificationPreferences.whatsappEnabled, false),
    isNotNull(notificationPreferences.whatsappOptOutAt),
  );

/** A claimed row, with what its message is about. */
export type ClaimedRow = NotificationRow & { related: MessageRelations };

/** Whether the row's loan has ended (null: still out, or no loan). */
export function loanEnded(row: ClaimedRow): 'returned' | 'cancelled' | null {
  const { loan } = row.related;
  return loan?.cancelledAt ? 'cancelled' : loan?.returnedAt ? 'returned' : null;
}

/**
 * The claim and everything the message needs, in one statement (it runs for every message:
 * claim, then context, were two round trips, and the context query joined five tables again),
 * built once per database.
 */
const claimQuery = preparedQuery((db: Database) => {
  const claimed = db.$with('claimed').as(
    db
      .update(notificationLog)
      .set({
        attempts: sql`${notificationLog.attempts} + 1`,
        // drizzle does not map placeholders' values: timestamps go as ISO strings, cast here.
        leaseUntil: sql`${sql.placeholder('leaseUntilIso')}::timestamptz`,
        updatedAt: sql`${sql.placeholder('nowIso')}::timestamptz`,
      })
      .where(
        and(
          eq(notificationLog.id, sql.placeholder('id')),
          inArray(notificationLog.status, [...ACTIONABLE_STATUSES]),
          or(
            isNull(notificationLog.leaseUntil),
            lt(notificationLog.leaseUntil, sql`${sql.placeholder('nowIso')}::timestamptz`),
          ),
        ),
      )
      .returning(),
  );
  const notification = Object.fromEntries(
    Object.keys(getTableColumns(notificationLog)).map((key) => [key, claimed[key as keyof typeof claimed]]),
  ) as unknown as ReturnType<typeof getTableColumns<typeof notificationLog>>;
  return db
    .with(claimed)
    .select({
      notification,
      recipientName: sql<string | null>`case ${claimed.recipientType}
        when 'client' then (select ${clients.fullName} from ${clients} where ${clients.id} = ${claimed.recipientId})
        when 'user' then (select ${users.fullName} from ${users} where ${users.id} = ${claimed.recipientId}) end`,
      addressOptedOut: sql<boolean>`${claimed.channel} = 'whatsapp' and exists (
        select 1 from ${notificationPreferences} where ${stopOnRecord(claimed.recipientAddress)})`,
      department: departments,
      loan: loans,
      item: items,
      client: clients,
      room: rooms,
    })
    .from(claimed)
    .leftJoin(departments, eq(departments.id, claimed.departmentId))
    .leftJoin(loans, eq(loans.id, claimed.loanId))
    .leftJoin(items, eq(items.id, loans.itemId))
    .leftJoin(clients, eq(clients.id, loans.clientId))
    .leftJoin(rooms, eq(rooms.id, loans.roomId))
    .prepare('claim_notification_for_attempt');
});

/**
 * Takes the row for one attempt: only if it is still `pending`/`failed` and no other worker
 * holds a live lease on it. Counts the attempt. Returns null when there is nothing to do.
 */
export async function claimForAttempt(
  db: Database,
  id: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimedRow | null> {
  const [found] = await claimQuery(db).execute({
    id,
    nowIso: now.toISOString(),
    leaseUntilIso: new Date(now.getTime() + leaseMs).toISOString(),
  });
  if (!found) return null;
  const { notification, ...related } = found;
  return { ...notification, related };
}

/** Milliseconds left on another worker's lease of an actionable row; 0 when none. */
export async function leaseRemainingMs(db: Executor, id: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ status: notificationLog.status, leaseUntil: notificationLog.leaseUntil })
    .from(notificationLog)
    .where(eq(notificationLog.id, id));
  if (!row?.leaseUntil || !(ACTIONABLE_STATUSES as readonly string[]).includes(row.status)) return 0;
  return Math.max(0, row.leaseUntil.getTime() - now.getTime());
}

export async function recordEvent(
  db: Executor,
  event: {
    notificationId: string;
    type: NotificationEventType;
    status?: NotificationStatus | null;
    attempt?: number | null;
    errorCode?: string | null;
    detail?: Record<string, unknown> | null;
    actor: string;
    at: Date;
  },
): Promise<void> {
  await db.insert(notificationEvents).values(event);
}

export type SettleOutcome =
  | { status: 'sent'; providerMessageId: string | null }
  | { status: 'failed'; errorCode: string; errorMessage: string; nextAttemptAt: Date }
  | { status: 'permanent_failure'; errorCode: string; errorMessage: string }
  | { status: 'skipped'; skipReason: SkipReason };

// drizzle does not map placeholders' values: timestamps go as ISO strings, JSON as text.
const param = (name: string) => sql`${sql.placeholder(name)}`;
const timestampParam = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;

/** What each outcome writes on the row besides its status, the lease and updated_at. */
const OUTCOME_COLUMNS = {
  sent: {
    providerMessageId: param('providerMessageId'),
    sentAt: timestampParam('nowIso'),
    nextAttemptAt: null,
  },
  failed: {
    errorCode: param('errorCode'),
    errorMessage: param('errorMessage'),
    failedAt: timestampParam('nowIso'),
    nextAttemptAt: timestampParam('nextAttemptAtIso'),
  },
  permanent_failure: {
    errorCode: param('errorCode'),
    errorMessage: param('errorMessage'),
    failedAt: timestampParam('nowIso'),
    nextAttemptAt: null,
  },
  skipped: { skipReason: param('skipReason'), nextAttemptAt: null },
} satisfies Record<SettleOutcome['status'], Partial<Record<keyof NotificationRow, unknown>>>;

/**
 * The settle of one outcome: the row's update and its audit event in one statement (a
 * data-modifying CTE is all or nothing like a transaction, without BEGIN and COMMIT's two
 * round trips), built once per database.
 */
const settleQueryFor = (status: SettleOutcome['status']) =>
  preparedQuery((db: Database) => {
    // Only the holder of the claim settles: a row a callback already moved on stays put. The
    // event is recorded either way, as the attempt's outcome.
    const settled = db.$with('settled').as(
      db
        .update(notificationLog)
        .set({ status, leaseUntil: null, updatedAt: timestampParam('nowIso'), ...OUTCOME_COLUMNS[status] })
        .where(
          and(
            eq(notificationLog.id, sql.placeholder('id')),
            inArray(notificationLog.status, [...ACTIONABLE_STATUSES]),
          ),
        )
        .returning({ id: notificationLog.id }),
    );
    return db
      .with(settled)
      .insert(notificationEvents)
      .values({
        notificationId: sql`${sql.placeholder('id')}::uuid`,
        type: status,
        status,
        attempt: sql`${sql.placeholder('attempt')}::integer`,
        errorCode: param('errorCode'),
        detail: sql`${sql.placeholder('detail')}::jsonb`,
        actor: param('actor'),
        at: timestampParam('nowIso'),
      })
      .prepare(`settle_notification_${status}`);
  });

const settleQuery = {
  sent: settleQueryFor('sent'),
  failed: settleQueryFor('failed'),
  permanent_failure: settleQueryFor('permanent_failure'),
  skipped: settleQueryFor('skipped'),
};

/** Moves a claimed row to its outcome and releases the lease, with its audit event. */
export async function settle(
  db: Database,
  row: NotificationRow,
  outcome: SettleOutcome,
  now: Date,
  actor: string,
): Promise<void> {
  const detail =
    outcome.status === 'sent'
      ? { providerMessageId: outcome.providerMessageId }
      : outcome.status === 'skipped'
        ? { reason: outcome.skipReason }
        : { message: outcome.errorMessage };
  await settleQuery[outcome.status](db).execute({
    id: row.id,
    attempt: row.attempts,
    actor,
    nowIso: now.toISOString(),
    detail: JSON.stringify(detail),
    errorCode: 'errorCode' in outcome ? outcome.errorCode : null,
    errorMessage: 'errorMessage' in outcome ? outcome.errorMessage : null,
    providerMessageId: outcome.status === 'sent' ? outcome.providerMessageId : null,
    nextAttemptAtIso: outcome.status === 'failed' ? outcome.nextAttemptAt.toISOString() : null,
    skipReason: outcome.status === 'skipped' ? outcome.skipReason : null,
  });
}
