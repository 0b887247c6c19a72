import { ACTIONABLE_STATUSES } from '@rappel/contracts';
import { inArray, isNull, lt, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { notificationLog } from './schema';

/**
 * The message row is still `pending` or `failed`, as a check on rows found another way (by id,
 * by loan), never as the way to find them. Written plainly, `status in ('pending', 'failed')`
 * matches the partial index of actionable rows, and when the statistics say few rows are pending
 * (they usually do) the planner reads that whole index and filters it by id: every claim and
 * settle then read the entire backlog, and sending slowed down as the backlog grew (a claim read
 * 1 839 index entries to find 3 rows; docs/benchmarks.md, "The claim read the whole backlog").
 * `(…) is true` is the same condition, as `status` is never null, and no index can serve it.
 */
export const stillActionable: SQL = sql`(${inArray(notificationLog.status, [...ACTIONABLE_STATUSES])}) is true`;

/**
 * No worker holds a live lease on the message row at `now`: never leased, released, or run
 * out (a lease that has run out is nobody's). The claim takes only such rows, and a loan
 * command withdraws only such rows, leaving one being sent to its worker.
 */
export const notLeased = (now: Date | SQLWrapper): SQL =>
  or(isNull(notificationLog.leaseUntil), lt(notificationLog.leaseUntil, now)) as SQL;
