import type { DailyReport } from '@rappel/contracts';
import { clients, type Database, departments, items, loans, notificationLog, rooms, users } from '@rappel/db';
import { addLocalDays, type Clock, localDateOf, localDateTimeToInstant } from '@rappel/domain';
import {
  insertNotifications,
  loadManagers,
  notificationRowsFor,
  type OutboxPublisher,
  toPublish,
} from '@rappel/outbox';
import { and, asc, count, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

export interface DailyReportDeps {
  db: Database;
  publisher: OutboxPublisher;
  clock: Clock;
  logger: Logger;
  /** Site zone: "today" and "yesterday" are its local days. */
  zone: string;
}

export interface DailyReportSummary {
  date: string;
  /** Departments that had something to report. */
  departments: number;
  /** Rows written now (a second run the same day writes none). */
  rows: number;
}

interface ReportWindow {
  date: string;
  now: Date;
  todayStart: Date;
  tomorrowStart: Date;
  yesterdayStart: Date;
}

function windowAt(now: Date, zone: string): ReportWindow {
  const date = localDateOf(now, zone);
  return {
    date,
    now,
    todayStart: localDateTimeToInstant(date, '00:00', zone),
    tomorrowStart: localDateTimeToInstant(addLocalDays(date, 1, zone), '00:00', zone),
    yesterdayStart: localDateTimeToInstant(addLocalDays(date, -1, zone), '00:00', zone),
  };
}

/** Loans or failures listed per section at most. */
const LISTED_MAX = 500;

/** Days from one "YYYY-MM-DD" to another, both local dates of the same zone. */
const calendarDaysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

async function openLoans(db: Database, departmentId: string, dueFrom: Date | null, dueBefore: Date) {
  const open = and(
    eq(loans.departmentId, departmentId),
    isNull(loans.returnedAt),
    isNull(loans.cancelledAt),
    lt(loans.dueAt, dueBefore),
    dueFrom ? gte(loans.dueAt, dueFrom) : undefined,
  );
  return db
    .select({
      loanId: loans.id,
      itemName: items.name,
      inventoryNumber: items.inventoryNumber,
      borrowerName: sql<string>`coalesce(${clients.fullName}, ${rooms.name})`,
      roomNumber: clients.roomNumber,
      dueAt: loans.dueAt,
    })
    .from(loans)
    .innerJoin(items, eq(items.id, loans.itemId))
    .leftJoin(clients, eq(clients.id, loans.clientId))
    .leftJoin(rooms, eq(rooms.id, loans.roomId))
    .where(open)
    .orderBy(asc(loans.dueAt))
    .limit(LISTED_MAX);
}

async function failures(db: Database, departmentId: string, from: Date, to: Date) {
  const failedAt = sql<Date>`coalesce(${notificationLog.failedAt}, ${notificationLog.updatedAt})`;
  return db
    .select({
      notificationId: notificationLog.id,
      kind: notificationLog.kind,
      channel: notificationLog.channel,
      recipientName: sql<string>`coalesce(${clients.fullName}, ${users.fullName}, '')`,
      errorCode: notificationLog.errorCode,
      failedAt: failedAt.mapWith(notificationLog.updatedAt),
    })
    .from(notificationLog)
    .leftJoin(
      clients,
      and(eq(notificationLog.recipientType, 'client'), eq(clients.id, notificationLog.recipientId)),
    )
    .leftJoin(
      users,
      and(eq(notificationLog.recipientType, 'user'), eq(users.id, notificationLog.recipientId)),
    )
    .where(
      and(
        eq(notificationLog.departmentId, departmentId),
        inArray(notificationLog.status, ['permanent_failure', 'undelivered']),
        gte(notificationLog.updatedAt, from),
        lt(notificationLog.updatedAt, to),
      ),
    )
    .orderBy(asc(notificationLog.updatedAt))
    .limit(LISTED_MAX);
}

/** The figures of one department's report, computed from the database in the site zone. */
export async function dailyReportContext(
  db: Database,
  departmentId: string,
  w: ReportWindow,
  zone: string,
): Promise<DailyReport> {
  const dueToday = await openLoans(db, departmentId, w.now, w.tomorrowStart);
  const overdue = await openLoans(db, departmentId, null, w.now);
  const byStatus = await db
    .select({ status: notificationLog.status, n: count() })
    .from(notificationLog)
    .where(
      and(
        eq(notificationLog.departmentId, departmentId),
        gte(notificationLog.createdAt, w.yesterdayStart),
        lt(notificationLog.createdAt, w.todayStart),
      ),
    )
    .groupBy(notificationLog.status);
  const failed = await failures(db, departmentId, new Date(w.now.getTime() - 24 * 3600 * 1000), w.now);
  const iso = <T extends { dueAt: Date }>(l: T) => ({ ...l, dueAt: l.dueAt.toISOString() });
  return {
    date: w.date,
    dueToday: dueToday.map(iso),
    // `daysLate` is beyond the contract (templates may ignore it): local calendar days from the
    // due date to the report date, 0 for a loan due earlier today.
    overdue: overdue.map((l) => ({
      ...iso(l),
      daysLate: calendarDaysBetween(localDateOf(l.dueAt, zone), w.date),
    })),
    yesterdayByStatus: Object.fromEntries(
      byStatus.map((r) => [r.status, r.n]),
    ) as DailyReport['yesterdayByStatus'],
    failuresToReview: failed.map((f) => ({ ...f, failedAt: f.failedAt.toISOString() })),
  };
}

const isEmpty = (c: DailyReport) =>
  c.dueToday.length === 0 &&
  c.overdue.length === 0 &&
  c.failuresToReview.length === 0 &&
  Object.keys(c.yesterdayByStatus).length === 0;

/**
 * True when some department's report for the local date `date` has been written. Only rows made
 * in the last two days are read (the log's `created_at` index): a date's rows are made on that
 * local day.
 */
export async function dailyReportWritten(db: Database, date: string): Promise<boolean> {
  const [row] = await db
    .select({ id: notificationLog.id })
    .from(notificationLog)
    .where(
      and(
        gte(notificationLog.createdAt, sql`now() - interval '2 days'`),
        eq(notificationLog.kind, 'daily_report'),
        eq(notificationLog.occurrence, date),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * The managers' morning report, one per department that has anything to say, to its managers
 * and the super admins (those with a channel on). The local date is the occurrence, so a
 * second run on the same day (a retried job, a catch-up, another replica) writes and sends only
 * the messages the first did not write (the departments it had not reached, managers added since).
 * Each department's rows are committed on their own, so a run that fails part-way keeps the
 * departments it finished.
 */
export async function dailyReport(deps: DailyReportDeps): Promise<DailyReportSummary> {
  const w = windowAt(deps.clock.now(), deps.zone);
  const summary: DailyReportSummary = { date: w.date, departments: 0, rows: 0 };
  const all = await deps.db.select({ id: departments.id }).from(departments).orderBy(asc(departments.id));
  for (const { id: departmentId } of all) {
    const context = await dailyReportContext(deps.db, departmentId, w, deps.zone);
    if (isEmpty(context)) continue;
    summary.departments++;
    const inserted = await deps.db.transaction(async (tx) => {
      const managers = await loadManagers(tx, departmentId);
      const rows = managers.flatMap((m) =>
        notificationRowsFor(
          {
            kind: 'daily_report',
            departmentId,
            loanId: null,
            occurrence: w.date,
            scheduledAt: w.now,
            context: { ...context },
          },
          m,
          { recordSkipped: false },
        ),
      );
      return insertNotifications(tx, rows);
    });
    summary.rows += inserted.length;
    await deps.publisher.publishAfterCommit(toPublish(inserted));
  }
  deps.logger.info(summary, 'daily reports written');
  return summary;
}
