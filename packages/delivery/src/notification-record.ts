import {
  ACTIONABLE_STATUSES,
  type NotificationEventType,
  type NotificationStatus,
  type SkipReason,
} from '@rappel/contracts';
import {
  batchByTurn,
  batchTable,
  clients,
  type Database,
  departments,
  type Executor,
  items,
  loans,
  notificationEvents,
  notificationLog,
  notificationPreferences,
  notLeased,
  perDatabase,
  rawPreparedStatement,
  rooms,
  scheduledReminders,
  stillActionable,
  users,
} from '@rappel/db';
import { and, eq, getTableColumns, type SQLWrapper, sql } from 'drizzle-orm';

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
   * The loan version of the plan the message was fired from (`scheduled_reminders.loan_version`
   * of the row's reminder); null for a message that is not the plan's, such as a manual reminder.
   */
  planVersion: number | null;
  /**
   * A WhatsApp row whose address, as written in the row, has a STOP on record (see
   * `stopOnRecord`): false for other channels.
   */
  addressOptedOut: boolean;
  /**
   * A WhatsApp row whose recipient has WhatsApp off in their own preferences now, however it was
   * turned off since the row was made (at the desk, on the preferences page): false for other
   * channels.
   */
  recipientWhatsAppOff: boolean;
}

/**
 * A STOP is on record for this WhatsApp number (E.164): a preferences row with the number is off
 * because the number itself answered STOP (whatsapp-sender's opt-out), which holds for every
 * profile with the number until a START. WhatsApp turned off at the desk or on the preferences
 * page is that profile's choice only. The condition on notification_preferences that the claim,
 * the sender's own look-up and an inbound START (the rows it turns on again) share.
 */
export const stopOnRecord = (number: string | SQLWrapper) =>
  and(
    eq(notificationPreferences.whatsappNumber, number),
    eq(notificationPreferences.whatsappEnabled, false),
    eq(notificationPreferences.whatsappOptOutReason, 'inbound_stop'),
  );

/** A claimed row, with what its message is about. */
export type ClaimedRow = NotificationRow & { related: MessageRelations };

/** Whether the row's loan has ended (null: still out, or no loan). */
export function loanEnded(row: ClaimedRow): 'returned' | 'cancelled' | null {
  const { loan } = row.related;
  return loan?.cancelledAt ? 'cancelled' : loan?.returnedAt ? 'returned' : null;
}

/** Whether the row was fired from a plan its loan's due-date change has since replaced. */
export function planSuperseded(row: ClaimedRow): boolean {
  const { loan, planVersion } = row.related;
  return loan !== null && planVersion !== null && planVersion !== loan.version;
}

/** The claims of one batch, as the table `claim_input`. */
const CLAIM_INPUT = batchTable('claim_input', { id: 'uuid', now: 'timestamptz', lease_until: 'timestamptz' });

/**
 * The claims of one batch and everything their messages need, in one statement (it runs for
 * every message: claim, then context, were two round trips, and the context query joined five
 * tables again), built once per database. The reminder's plan version and the loan's current
 * one come with it, so a message of a replaced plan is skipped without a query.
 */
const claimQuery = perDatabase((db: Database) => {
  const claimed = db.$with('claimed').as(
    db
      .update(notificationLog)
      .set({
        attempts: sql`${notificationLog.attempts} + 1`,
        leaseUntil: CLAIM_INPUT.column('lease_until'),
        updatedAt: CLAIM_INPUT.column('now'),
      })
      .from(CLAIM_INPUT.table)
      .where(
        and(
          eq(notificationLog.id, CLAIM_INPUT.column('id')),
          stillActionable,
          notLeased(CLAIM_INPUT.column('now')),
        ),
      )
      .returning(getTableColumns(notificationLog)),
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
      recipientWhatsAppOff: sql<boolean>`${claimed.channel} = 'whatsapp' and exists (
        select 1 from ${notificationPreferences}
        where not ${notificationPreferences.whatsappEnabled}
          and (${claimed.recipientType} = 'client' and ${notificationPreferences.clientId} = ${claimed.recipientId}
            or ${claimed.recipientType} = 'user' and ${notificationPreferences.userId} = ${claimed.recipientId}))`,
      department: departments,
      loan: loans,
      item: items,
      client: clients,
      room: rooms,
      planVersion: scheduledReminders.loanVersion,
    })
    .from(claimed)
    .leftJoin(departments, eq(departments.id, claimed.departmentId))
    .leftJoin(loans, eq(loans.id, claimed.loanId))
    .leftJoin(items, eq(items.id, loans.itemId))
    .leftJoin(clients, eq(clients.id, loans.clientId))
    .leftJoin(rooms, eq(rooms.id, loans.roomId))
    .leftJoin(scheduledReminders, eq(scheduledReminders.id, claimed.reminderId))
    .prepare('claim_notifications_for_attempt');
});

interface ClaimRequest {
  id: string;
  now: Date;
  leaseMs: number;
}

/**
 * The claims a database's workers make in one turn, as one statement. A row asked for twice
 * in the batch is updated once: the first caller gets it, the others null, as if another
 * worker held it (which, for them, is the case).
 */
const claimBatcher = perDatabase((db: Database) =>
  batchByTurn(async (requests: readonly ClaimRequest[]): Promise<(ClaimedRow | null)[]> => {
    const found = await claimQuery(db).execute(
      CLAIM_INPUT.values(
        requests.map(({ id, now, leaseMs }) => ({
          id,
          now: now.toISOString(),
          lease_until: new Date(now.getTime() + leaseMs).toISOString(),
        })),
      ),
    );
    const byId = new Map<string, ClaimedRow>(
      found.map(({ notification, ...related }) => [notification.id, { ...notification, related }]),
    );
    return requests.map((r) => {
      const row = byId.get(r.id) ?? null;
      byId.delete(r.id);
      return row;
    });
  }),
);

/**
 * Takes the row for one attempt: only if it is still `pending`/`failed` and no other worker
 * holds a live lease on it. Counts the attempt. Returns null when there is nothing to do.
 * Claims made in the same turn share one statement (see claimBatcher).
 */
export function claimForAttempt(
  db: Database,
  id: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimedRow | null> {
  return claimBatcher(db)({ id, now, leaseMs });
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
  | {
      status: 'permanent_failure';
      errorCode: string;
      errorMessage: string;
      /**
       * The worker gave up after its last attempt on an error that might have passed (a relay
       * or network outage), rather than being refused: the failure then says nothing about the
       * recipient's address. Recorded in the audit event (`detail.retriesExhausted`).
       */
      retriesExhausted?: boolean;
    }
  | { status: 'skipped'; skipReason: SkipReason };

/** The settles of one batch, as the table `settle_input`, one row per settle. */
const SETTLE_INPUT = batchTable('settle_input', {
  id: 'uuid',
  attempt: 'integer',
  now: 'timestamptz',
  actor: 'text',
  detail: 'jsonb',
  error_code: 'text',
  error_message: 'text',
  provider_message_id: 'text',
  next_attempt_at: 'timestamptz',
  skip_reason: 'text',
});

/** What each outcome writes on the row besides its status, the lease and updated_at. */
const OUTCOME_COLUMNS = {
  sent: {
    providerMessageId: SETTLE_INPUT.column('provider_message_id'),
    sentAt: SETTLE_INPUT.column('now'),
    nextAttemptAt: null,
  },
  failed: {
    errorCode: SETTLE_INPUT.column('error_code'),
    errorMessage: SETTLE_INPUT.column('error_message'),
    failedAt: SETTLE_INPUT.column('now'),
    nextAttemptAt: SETTLE_INPUT.column('next_attempt_at'),
  },
  permanent_failure: {
    errorCode: SETTLE_INPUT.column('error_code'),
    errorMessage: SETTLE_INPUT.column('error_message'),
    failedAt: SETTLE_INPUT.column('now'),
    nextAttemptAt: null,
  },
  skipped: { skipReason: SETTLE_INPUT.column('skip_reason'), nextAttemptAt: null },
} satisfies Record<SettleOutcome['status'], Partial<Record<keyof NotificationRow, unknown>>>;

interface SettleRequest {
  row: NotificationRow;
  outcome: SettleOutcome;
  now: Date;
  actor: string;
}

/** One settle's values, by `settle_input` column. */
function settleValues({
  row,
  outcome,
  now,
  actor,
}: SettleRequest): Parameters<typeof SETTLE_INPUT.values>[0][number] {
  return {
    id: row.id,
    attempt: row.attempts,
    now: now.toISOString(),
    actor,
    detail: JSON.stringify(auditDetail(outcome)),
    error_code: 'errorCode' in outcome ? outcome.errorCode : null,
    error_message: 'errorMessage' in outcome ? outcome.errorMessage : null,
    provider_message_id: outcome.status === 'sent' ? outcome.providerMessageId : null,
    next_attempt_at: outcome.status === 'failed' ? outcome.nextAttemptAt.toISOString() : null,
    skip_reason: outcome.status === 'skipped' ? outcome.skipReason : null,
  };
}

/**
 * The settles of one outcome in one batch: the rows' update and their audit events in one
 * statement (a data-modifying CTE is all or nothing like a transaction, without BEGIN and
 * COMMIT's two round trips). Only the holder of the claim settles: a row a callback already
 * moved on stays put. The event is recorded either way, as the attempt's outcome.
 */
const settleStatementFor = (status: SettleOutcome['status']) =>
  rawPreparedStatement((db) => {
    const settled = db
      .update(notificationLog)
      .set({ status, leaseUntil: null, updatedAt: SETTLE_INPUT.column('now'), ...OUTCOME_COLUMNS[status] })
      .from(SETTLE_INPUT.name)
      .where(and(eq(notificationLog.id, SETTLE_INPUT.column('id')), stillActionable));
    return sql`
      with ${SETTLE_INPUT.name} as (
        select * from ${SETTLE_INPUT.table}
      ), settled as (${settled.getSQL()})
      insert into ${notificationEvents} (notification_id, type, status, attempt, error_code, detail, actor, at)
      select id, ${status}, ${status}, attempt, error_code, detail, actor, now from ${SETTLE_INPUT.name}`;
  });

/** What the audit event of an outcome says besides its status and error code. */
function auditDetail(outcome: SettleOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case 'sent':
      return { providerMessageId: outcome.providerMessageId };
    case 'skipped':
      return { reason: outcome.skipReason };
    case 'permanent_failure':
      return {
        message: outcome.errorMessage,
        ...(outcome.retriesExhausted ? { retriesExhausted: true } : {}),
      };
    default:
      return { message: outcome.errorMessage };
  }
}

/** The settles a database's workers make in one turn: one batch per outcome, as each writes its own columns. */
const settleBatcher = Object.fromEntries(
  (Object.keys(OUTCOME_COLUMNS) as SettleOutcome['status'][]).map((status) => {
    const statement = settleStatementFor(status);
    return [
      status,
      perDatabase((db: Database) =>
        batchByTurn(async (requests: readonly SettleRequest[]) => {
          await statement(db, SETTLE_INPUT.values(requests.map(settleValues)));
          return requests.map(() => undefined);
        }),
      ),
    ];
  }),
) as Record<SettleOutcome['status'], (db: Database) => (request: SettleRequest) => Promise<void>>;

/**
 * Moves a claimed row to its outcome and releases the lease, with its audit event. Settles of
 * the same outcome made in the same turn share one statement.
 */
export function settle(
  db: Database,
  row: NotificationRow,
  outcome: SettleOutcome,
  now: Date,
  actor: string,
): Promise<void> {
  return settleBatcher[outcome.status](db)({ row, outcome, now, actor });
}
