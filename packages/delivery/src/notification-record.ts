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
  preparedQuery,
  rooms,
  users,
} from '@rappel/db';
import { and, eq, getTableColumns, inArray, isNull, lt, or, sql } from 'drizzle-orm';

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
}

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

/** Moves a claimed row to its outcome and releases the lease, with its audit event. */
export async function settle(
  db: Executor,
  row: NotificationRow,
  outcome:
    | { status: 'sent'; providerMessageId: string | null }
    | { status: 'failed'; errorCode: string; errorMessage: string; nextAttemptAt: Date }
    | { status: 'permanent_failure'; errorCode: string; errorMessage: string }
    | { status: 'skipped'; skipReason: SkipReason },
  now: Date,
  actor: string,
): Promise<void> {
  const base = { status: outcome.status, leaseUntil: null, updatedAt: now };
  const values =
    outcome.status === 'sent'
      ? { ...base, providerMessageId: outcome.providerMessageId, sentAt: now, nextAttemptAt: null }
      : outcome.status === 'failed'
        ? {
            ...base,
            errorCode: outcome.errorCode,
            errorMessage: outcome.errorMessage,
            failedAt: now,
            nextAttemptAt: outcome.nextAttemptAt,
          }
        : outcome.status === 'permanent_failure'
          ? {
              ...base,
              errorCode: outcome.errorCode,
              errorMessage: outcome.errorMessage,
              failedAt: now,
              nextAttemptAt: null,
            }
          : { ...base, skipReason: outcome.skipReason, nextAttemptAt: null };
  await db.transaction(async (tx) => {
    // Only the holder of the claim settles: a row a callback already moved on stays put.
    // Both statements go at once (pipelined on the transaction's connection).
    await Promise.all([
      tx
        .update(notificationLog)
        .set(values)
        .where(
          and(eq(notificationLog.id, row.id), inArray(notificationLog.status, [...ACTIONABLE_STATUSES])),
        ),
      recordEvent(tx, {
        notificationId: row.id,
        type: outcome.status,
        status: outcome.status,
        attempt: row.attempts,
        errorCode: 'errorCode' in outcome ? outcome.errorCode : null,
        detail:
          outcome.status === 'sent'
            ? { providerMessageId: outcome.providerMessageId }
            : 'errorMessage' in outcome
              ? { message: outcome.errorMessage }
              : outcome.status === 'skipped'
                ? { reason: outcome.skipReason }
                : null,
        actor,
        at: now,
      }),
    ]);
  });
}
