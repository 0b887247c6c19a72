import { PRE_DUE_REMINDER_KINDS, type ReminderKind, type SkipReason } from '@rappel/contracts';
import { type Database, type Executor, loans, scheduledReminders } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import {
  insertNotifications,
  loadBorrowers,
  loadManagers,
  type NewNotification,
  notificationRowsFor,
  type OutboxPublisher,
  type Recipient,
  toPublish,
} from '@rappel/outbox';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

export interface FireDueRemindersDeps {
  db: Database;
  publisher: OutboxPublisher;
  clock: Clock;
  logger: Logger;
  /** Reminders claimed per transaction. */
  batchSize: number;
  /** A pre-due reminder fired later than this after its fire_at is recorded `too_late`, in minutes. */
  maxLatenessMinutes: number;
  /** Batches one call runs at most; the next tick carries on. Default: until none is due. */
  maxBatches?: number;
}

export interface FireSummary {
  /** Reminders taken from the plan (each exactly once across all replicas). */
  claimed: number;
  fired: number;
  cancelled: number;
  /** Fired reminders whose rows were all recorded `too_late`. */
  tooLate: number;
  /** notification_log rows written (pending and skipped). */
  rows: number;
  /** Rows handed to the queues after commit. */
  published: number;
}

/** One claimed reminder with the loan as it is now. */
export interface DueReminder {
  id: string;
  loanId: string;
  kind: ReminderKind;
  occurrence: number;
  fireAt: Date;
  loanVersion: number;
  loan: {
    version: number;
    dueAt: Date;
    returnedAt: Date | null;
    cancelledAt: Date | null;
    departmentId: string;
    durationClass: 'short' | 'medium' | 'long';
  };
  /** For an overdue alert: a later alert of the same plan is due too (the scheduler was down). */
  laterOverdueDue: boolean;
}

/** What becomes of one reminder; see `decideReminder`. */
export type ReminderDecision =
  | { state: 'cancelled'; rows: 'none' }
  | { state: 'cancelled'; rows: 'skipped'; reason: Extract<SkipReason, 'returned' | 'cancelled'> }
  | { state: 'fired'; rows: 'skipped'; reason: 'too_late' }
  | { state: 'fired'; rows: 'send' };

const PRE_DUE = new Set<string>(PRE_DUE_REMINDER_KINDS);

/**
 * The rules of one reminder at the moment it fires, in order:
 * 1. a reminder of an older plan (`loan_version` ≠ loan `version`) is cancelled, no rows;
 * 2. a loan returned or cancelled: reminder cancelled, borrower rows recorded skipped;
 * 3. a pre-due reminder that would now arrive after the due instant, or more than the allowed
 *    lateness after its time (scheduler down), fires as rows skipped `too_late`;
 *    an overdue alert superseded by a later one that is also due is collapsed the same way;
 * 4. otherwise it fires with the borrower's preferences as they are now.
 */
export function decideReminder(r: DueReminder, now: Date, maxLatenessMs: number): ReminderDecision {
  if (r.loanVersion !== r.loan.version) return { state: 'cancelled', rows: 'none' };
  if (r.loan.cancelledAt) return { state: 'cancelled', rows: 'skipped', reason: 'cancelled' };
  if (r.loan.returnedAt) return { state: 'cancelled', rows: 'skipped', reason: 'returned' };
  if (PRE_DUE.has(r.kind)) {
    const late = now.getTime() - r.fireAt.getTime() > maxLatenessMs;
    if (late || now.getTime() >= r.loan.dueAt.getTime()) {
      return { state: 'fired', rows: 'skipped', reason: 'too_late' };
    }
  } else if (r.laterOverdueDue) {
    return { state: 'fired', rows: 'skipped', reason: 'too_late' };
  }
  return { state: 'fired', rows: 'send' };
}

/** The occurrence part of the idempotency key: `v<version>`, or `v<version>#<n>` for overdue. */
export const reminderOccurrence = (kind: ReminderKind, version: number, n: number): string =>
  kind === 'overdue' ? `v${version}#${n}` : `v${version}`;

const later = sql.raw('later');

/**
 * The claim: due reminders with their loan, oldest first, locked for this transaction and
 * skipped by every other one. Exported so the bench can EXPLAIN the real query.
 */
export function dueRemindersQuery(tx: Executor, now: Date, limit: number) {
  return (
    tx
      .select({
        id: scheduledReminders.id,
        loanId: scheduledReminders.loanId,
        kind: scheduledReminders.kind,
        occurrence: scheduledReminders.occurrence,
        fireAt: scheduledReminders.fireAt,
        loanVersion: scheduledReminders.loanVersion,
        loan: {
          version: loans.version,
          dueAt: loans.dueAt,
          returnedAt: loans.returnedAt,
          cancelledAt: loans.cancelledAt,
          departmentId: loans.departmentId,
          durationClass: loans.durationClass,
        },
        laterOverdueDue: sql<boolean>`${scheduledReminders.kind} = 'overdue' and exists (
        select 1 from ${scheduledReminders} as ${later}
        where ${later}.loan_id = ${scheduledReminders.loanId}
          and ${later}.loan_version = ${scheduledReminders.loanVersion}
          and ${later}.kind = 'overdue'
          and ${later}.occurrence > ${scheduledReminders.occurrence}
          and ${later}.state = 'scheduled'
          and ${later}.fire_at <= ${now.toISOString()}::timestamptz)`,
      })
      .from(scheduledReminders)
      .innerJoin(loans, eq(loans.id, scheduledReminders.loanId))
      // The (state, fire_at) index: the sweep costs the due rows, not the open loans.
      .where(and(eq(scheduledReminders.state, 'scheduled'), lte(scheduledReminders.fireAt, now)))
      .orderBy(asc(scheduledReminders.fireAt))
      .limit(limit)
      .for('update', { of: scheduledReminders, skipLocked: true })
  );
}

const claimDue = async (tx: Executor, now: Date, limit: number): Promise<DueReminder[]> =>
  dueRemindersQuery(tx, now, limit);

/** Notification rows of one reminder (borrower, and managers on the first overdue alert). */
async function rowsForReminder(
  r: DueReminder,
  decision: ReminderDecision,
  borrower: Recipient | undefined,
  managersOf: (departmentId: string) => Promise<Recipient[]>,
  logger: Logger,
): Promise<NewNotification[]> {
  if (decision.rows === 'none') return [];
  if (!borrower) {
    logger.error({ reminderId: r.id, loanId: r.loanId }, 'loan has no borrower; reminder not sent');
    return [];
  }
  const base = {
    departmentId: r.loan.departmentId,
    loanId: r.loanId,
    occurrence: reminderOccurrence(r.kind, r.loanVersion, r.occurrence),
    durationClass: r.loan.durationClass,
    reminderId: r.id,
    scheduledAt: r.fireAt,
    context: r.kind === 'overdue' ? { overdueNumber: r.occurrence } : null,
  };
  const rows = notificationRowsFor({ ...base, kind: r.kind }, borrower, {
    recordSkipped: true,
    ...(decision.rows === 'skipped' ? { skipAll: decision.reason } : {}),
  });
  const escalate = r.kind === 'overdue' && r.occurrence === 1 && decision.state === 'fired';
  if (escalate) {
    // Managers are told even when the borrower's first alert was collapsed after downtime.
    for (const manager of await managersOf(r.loan.departmentId)) {
      rows.push(
        ...notificationRowsFor({ ...base, kind: 'overdue_escalation' }, manager, { recordSkipped: false }),
      );
    }
  }
  return rows;
}

const INSERT_CHUNK = 1_000;

/** Claims, decides, writes and marks one batch in one transaction; publishes after commit. */
async function fireBatch(
  deps: FireDueRemindersDeps,
): Promise<FireSummary & { publishedRows: ReturnType<typeof toPublish> }> {
  const now = deps.clock.now();
  const maxLatenessMs = deps.maxLatenessMinutes * 60_000;
  const result = await deps.db.transaction(async (tx) => {
    const due = await claimDue(tx, now, deps.batchSize);
    const managers = new Map<string, Promise<Recipient[]>>();
    const managersOf = (departmentId: string) => {
      let found = managers.get(departmentId);
      if (!found) {
        found = loadManagers(tx, departmentId);
        managers.set(departmentId, found);
      }
      return found;
    };
    const decided = due.map((r) => ({ r, decision: decideReminder(r, now, maxLatenessMs) }));
    // One query for the whole batch's borrowers (one per reminder made the sweep ~440/s).
    const borrowers = await loadBorrowers(
      tx,
      decided.filter((d) => d.decision.rows !== 'none').map((d) => d.r.loanId),
    );
    const rowLists = await Promise.all(
      decided.map(({ r, decision }) =>
        rowsForReminder(r, decision, borrowers.get(r.loanId), managersOf, deps.logger),
      ),
    );
    const rows = rowLists.flat();
    const inserted = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      inserted.push(...(await insertNotifications(tx, rows.slice(i, i + INSERT_CHUNK))));
    }
    const firedIds = decided.filter((d) => d.decision.state === 'fired').map((d) => d.r.id);
    const cancelledIds = decided.filter((d) => d.decision.state === 'cancelled').map((d) => d.r.id);
    if (firedIds.length > 0) {
      await tx
        .update(scheduledReminders)
        .set({ state: 'fired', firedAt: now })
        .where(inArray(scheduledReminders.id, firedIds));
    }
    if (cancelledIds.length > 0) {
      await tx
        .update(scheduledReminders)
        .set({ state: 'cancelled' })
        .where(inArray(scheduledReminders.id, cancelledIds));
    }
    return {
      claimed: due.length,
      fired: firedIds.length,
      cancelled: cancelledIds.length,
      tooLate: decided.filter((d) => d.decision.rows === 'skipped' && d.decision.reason === 'too_late')
        .length,
      rows: inserted.length,
      publishedRows: toPublish(inserted),
    };
  });
  const { published } = await deps.publisher.publishAfterCommit(result.publishedRows);
  return { ...result, published: published ? result.publishedRows.length : 0 };
}

/**
 * Fires every reminder whose time has come, batch after batch. Any number of replicas may run
 * this at once: `FOR UPDATE SKIP LOCKED` hands each reminder to one of them, and the
 * notification rows' idempotency key makes a repeat a no-op. A scheduler that was down simply
 * finds more due rows when it comes back (catch-up), and the too-late rule applies to them.
 */
export async function fireDueReminders(deps: FireDueRemindersDeps): Promise<FireSummary> {
  const total: FireSummary = { claimed: 0, fired: 0, cancelled: 0, tooLate: 0, rows: 0, published: 0 };
  const maxBatches = deps.maxBatches ?? Number.POSITIVE_INFINITY;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { publishedRows: _, ...summary } = await fireBatch(deps);
    for (const key of Object.keys(total) as (keyof FireSummary)[]) total[key] += summary[key];
    if (summary.claimed < deps.batchSize) break;
  }
  if (total.claimed > 0) deps.logger.info(total, 'due reminders fired');
  return total;
}
