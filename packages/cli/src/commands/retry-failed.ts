import type { Channel, NotificationKind, NotificationStatus } from '@rappel/contracts';
import { type Database, notificationEvents, notificationLog } from '@rappel/db';
import { type DeliveryQueues, ensureQueued } from '@rappel/queue';
import { and, asc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';

/** Statuses an operator may send again. */
export const RETRYABLE_STATUSES = [
  'failed',
  'permanent_failure',
  'undelivered',
] as const satisfies readonly NotificationStatus[];
export type RetryableStatus = (typeof RETRYABLE_STATUSES)[number];

export interface RetryFilters {
  /** Default: failed and permanent_failure. */
  statuses?: readonly RetryableStatus[];
  channel?: Channel | undefined;
  kind?: NotificationKind | undefined;
  departmentId?: string | undefined;
  errorCode?: string | undefined;
  /** Rows created at or after this instant. */
  since?: Date | undefined;
  /** Rows created before this instant. */
  until?: Date | undefined;
  /** At most this many rows, oldest first. Default 1000. */
  limit?: number;
}

export interface RetrySummary {
  /** Rows set back to pending. */
  reset: number;
  /** Rows given a new job now; the rest wait for the scheduler's relay (Redis down…). */
  queued: number;
  ids: string[];
}

function conditions(filters: RetryFilters): SQL[] {
  const where: SQL[] = [
    inArray(notificationLog.status, [...(filters.statuses ?? ['failed', 'permanent_failure'])]),
  ];
  if (filters.channel) where.push(eq(notificationLog.channel, filters.channel));
  if (filters.kind) where.push(eq(notificationLog.kind, filters.kind));
  if (filters.departmentId) where.push(eq(notificationLog.departmentId, filters.departmentId));
  if (filters.errorCode) where.push(eq(notificationLog.errorCode, filters.errorCode));
  if (filters.since) where.push(gte(notificationLog.createdAt, filters.since));
  if (filters.until) where.push(lt(notificationLog.createdAt, filters.until));
  return where;
}

/** The rows `retryFailed` would touch, without touching them (for --dry-run). */
export async function findRetryable(db: Database, filters: RetryFilters) {
  return db
    .select({
      id: notificationLog.id,
      channel: notificationLog.channel,
      kind: notificationLog.kind,
      status: notificationLog.status,
      errorCode: notificationLog.errorCode,
      createdAt: notificationLog.createdAt,
    })
    .from(notificationLog)
    .where(and(...conditions(filters)))
    .orderBy(asc(notificationLog.createdAt))
    .limit(filters.limit ?? 1000);
}

/**
 * Sends matching messages again: each row goes back to `pending` (with a `replayed` event in
 * its audit trail) and gets a fresh job with the full retry budget. The rows are committed
 * before anything is queued, so if Redis is down the scheduler's relay queues them later.
 */
export async function retryFailed(
  db: Database,
  queues: DeliveryQueues | null,
  filters: RetryFilters,
  now: Date,
): Promise<RetrySummary> {
  const rows = await db.transaction(async (tx) => {
    const candidates = await tx
      .select({ id: notificationLog.id })
      .from(notificationLog)
      .where(and(...conditions(filters)))
      .orderBy(asc(notificationLog.createdAt))
      .limit(filters.limit ?? 1000)
      .for('update', { skipLocked: true });
    if (candidates.length === 0) return [];
    const updated = await tx
      .update(notificationLog)
      .set({ status: 'pending', nextAttemptAt: null, leaseUntil: null, updatedAt: now })
      .where(
        inArray(
          notificationLog.id,
          candidates.map((c) => c.id),
        ),
      )
      .returning({ id: notificationLog.id, channel: notificationLog.channel, kind: notificationLog.kind });
    await tx.insert(notificationEvents).values(
      updated.map((row) => ({
        notificationId: row.id,
        type: 'replayed' as const,
        status: 'pending' as const,
        actor: 'cli',
        at: now,
      })),
    );
    return updated;
  });
  let queued = 0;
  if (queues && rows.length > 0) {
    try {
      queued = (await ensureQueued(queues, rows)).length;
    } catch {
      // Redis unreachable: the rows are pending in Postgres and the relay will publish them.
      queued = 0;
    }
  }
  return { reset: rows.length, queued, ids: rows.map((r) => r.id) };
}
