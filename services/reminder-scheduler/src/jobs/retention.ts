import type { NotificationStatus } from '@rappel/contracts';
import { type Database, notificationLog } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import { and, inArray, isNotNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

/** Statuses nothing will act on again. `pending` and `failed` are never purged. */
export const FINISHED_STATUSES = [
  'sent',
  'delivered',
  'read',
  'permanent_failure',
  'undelivered',
  'skipped',
  'cancelled',
] as const satisfies readonly NotificationStatus[];

export interface RetentionDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Finished rows created more than this many days ago are deleted (with their events). */
  retentionDays: number;
  /** When set, finished rows created more than this many days ago lose their recipient address. */
  anonymiseAfterDays?: number | undefined;
  /** Rows per statement, so no single transaction holds many locks. */
  batchSize: number;
}

export interface RetentionSummary {
  deleted: number;
  anonymised: number;
}

const DAY_MS = 24 * 3600 * 1000;

async function deleteBatch(db: Database, cutoff: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const doomed = await tx
      .select({ id: notificationLog.id })
      .from(notificationLog)
      .where(and(inArray(notificationLog.status, FINISHED_STATUSES), lt(notificationLog.createdAt, cutoff)))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (doomed.length === 0) return 0;
    const ids = doomed.map((r) => r.id);
    // The messages go, their counts stay: the rollup trigger leaves a marked delete out of the
    // stats and records how far it reached, for a rebuild (migration 0018).
    await tx.execute(sql`select set_config('rappel.retention_purge', 'on', true)`);
    // A kept row that replaced a deleted one (WhatsApp → e-mail fallback) loses the dangling link.
    await tx
      .update(notificationLog)
      .set({ replacesId: null })
      .where(and(inArray(notificationLog.replacesId, ids), notInArray(notificationLog.id, ids)));
    const deleted = await tx
      .delete(notificationLog)
      .where(inArray(notificationLog.id, ids))
      .returning({ id: notificationLog.id });
    return deleted.length;
  });
}

async function anonymiseBatch(db: Database, cutoff: Date, limit: number): Promise<number> {
  const rows = await db
    .update(notificationLog)
    .set({ recipientAddress: null })
    .where(
      inArray(
        notificationLog.id,
        db
          .select({ id: notificationLog.id })
          .from(notificationLog)
          .where(
            and(
              inArray(notificationLog.status, FINISHED_STATUSES),
              lt(notificationLog.createdAt, cutoff),
              isNotNull(notificationLog.recipientAddress),
            ),
          )
          .limit(limit),
      ),
    )
    .returning({ id: notificationLog.id });
  return rows.length;
}

/**
 * Daily purge of notification_log: finished rows older than the retention age go (their audit
 * events cascade); rows still pending or failed stay whatever their age, since a worker or the
 * relay still owes them a delivery. The stats keep counting what was purged. Optionally erases
 * recipient addresses earlier.
 */
export async function retention(deps: RetentionDeps): Promise<RetentionSummary> {
  const now = deps.clock.now().getTime();
  const summary: RetentionSummary = { deleted: 0, anonymised: 0 };
  const deleteCutoff = new Date(now - deps.retentionDays * DAY_MS);
  for (;;) {
    const n = await deleteBatch(deps.db, deleteCutoff, deps.batchSize);
    summary.deleted += n;
    if (n < deps.batchSize) break;
  }
  if (deps.anonymiseAfterDays !== undefined) {
    const anonymiseCutoff = new Date(now - deps.anonymiseAfterDays * DAY_MS);
    for (;;) {
      const n = await anonymiseBatch(deps.db, anonymiseCutoff, deps.batchSize);
      summary.anonymised += n;
      if (n < deps.batchSize) break;
    }
  }
  deps.logger.info(summary, 'notification log retention done');
  return summary;
}
