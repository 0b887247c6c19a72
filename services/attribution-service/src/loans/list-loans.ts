import { type Database, loans } from '@rappel/db';
import { and, desc, eq, gte, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Caller } from '../auth/api-keys';
import { beforeCursor, cursorKey, toPage } from '../http/pagination';
import type { LoanRow } from './loan-dto';
import type { ListLoansQuery, LoanStatus } from './loans.schemas';

function statusCondition(status: LoanStatus, now: Date): SQL | undefined {
  const open = and(isNull(loans.returnedAt), isNull(loans.cancelledAt));
  switch (status) {
    case 'open':
      return and(open, gte(loans.dueAt, now));
    case 'overdue':
      return and(open, lt(loans.dueAt, now));
    case 'returned':
      return isNotNull(loans.returnedAt);
    case 'cancelled':
      return isNotNull(loans.cancelledAt);
  }
}

/** Newest first; a scoped key only ever lists its own department. */
export async function listLoans(
  db: Database,
  caller: Caller,
  query: ListLoansQuery,
  now: Date,
): Promise<{ rows: LoanRow[]; nextCursor: string | null }> {
  const rows = await db
    .select({ loan: loans, cursorKey: cursorKey(loans.createdAt), id: loans.id })
    .from(loans)
    .where(
      and(
        caller.departmentId ? eq(loans.departmentId, caller.departmentId) : undefined,
        query.departmentId ? eq(loans.departmentId, query.departmentId) : undefined,
        query.clientId ? eq(loans.clientId, query.clientId) : undefined,
        query.itemId ? eq(loans.itemId, query.itemId) : undefined,
        query.roomId ? eq(loans.roomId, query.roomId) : undefined,
        query.status ? statusCondition(query.status, now) : undefined,
        beforeCursor(loans.createdAt, loans.id, query.cursor),
      ),
    )
    .orderBy(desc(loans.createdAt), desc(loans.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit);
  return { rows: page.rows.map((r) => r.loan), nextCursor: page.nextCursor };
}
