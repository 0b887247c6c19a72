import { type Database, notificationLog } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import { type DeliveryQueues, ensureQueued } from '@rappel/queue';
import { and, asc, eq, gt, lte, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

export interface RelayDeps {
  db: Database;
  queues: DeliveryQueues;
  clock: Clock;
  logger: Logger;
  /** Rows read per page. */
  batchSize: number;
  /** Rows examined per tick at most; the next tick carries on. */
  maxRowsPerTick: number;
  /**
   * A pending row last touched less than this many seconds ago is left to the request that
   * wrote it (publish-after-commit); a failed row gets the same margin past next_attempt_at.
   */
  graceSeconds: number;
}

export interface RelaySummary {
  examined: number;
  /** Rows that had no live job and were queued again. */
  requeued: number;
}

/**
 * The outbox relay: every `pending` row, and every `failed` row whose retry time has come,
 * must have a live job. Rows whose job was lost (Redis was down at commit, Redis lost its
 * data, a process died between commit and publish) are queued again with the row id as job
 * id; a waiting, delayed or active job is never doubled (see ensureQueued).
 */
export async function relay(deps: RelayDeps): Promise<RelaySummary> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.graceSeconds * 1000);
  const summary: RelaySummary = { examined: 0, requeued: 0 };
  let after: { at: Date; id: string } | null = null;
  while (summary.examined < deps.maxRowsPerTick) {
    const limit = Math.min(deps.batchSize, deps.maxRowsPerTick - summary.examined);
    const page = await stuckRows(deps.db, cutoff, after, limit);
    if (page.length === 0) break;
    summary.examined += page.length;
    const queued = await ensureQueued(
      deps.queues,
      page.map(({ id, channel, kind }) => ({ id, channel, kind })),
    );
    summary.requeued += queued.length;
    const last = page[page.length - 1]!;
    after = { at: last.at, id: last.id };
    if (page.length < limit) break;
  }
  if (summary.requeued > 0) {
    deps.logger.info(summary, 'relay queued notifications that had no live job');
  }
  return summary;
}

/** Keyset-paged by (the row's relevant time, id) so one tick walks the whole backlog once. */
async function stuckRows(db: Database, cutoff: Date, after: { at: Date; id: string } | null, limit: number) {
  // Truncated to milliseconds so the keyset compares exactly with a JS Date.
  const at = sql<Date>`date_trunc('milliseconds', case when ${notificationLog.status} = 'failed'
    then ${notificationLog.nextAttemptAt} else ${notificationLog.updatedAt} end)`;
  const stuck = or(
    and(eq(notificationLog.status, 'pending'), lte(notificationLog.updatedAt, cutoff)),
    and(eq(notificationLog.status, 'failed'), lte(notificationLog.nextAttemptAt, cutoff)),
  );
  const page = after
    ? and(
        stuck,
        or(
          sql`${at} > ${after.at.toISOString()}::timestamptz`,
          and(sql`${at} = ${after.at.toISOString()}::timestamptz`, gt(notificationLog.id, after.id)),
        ),
      )
    : stuck;
  const rows = await db
    .select({
      id: notificationLog.id,
      channel: notificationLog.channel,
      kind: notificationLog.kind,
      at: at.mapWith(notificationLog.updatedAt),
    })
    .from(notificationLog)
    .where(page)
    .orderBy(asc(at), asc(notificationLog.id))
    .limit(limit);
  return rows;
}
