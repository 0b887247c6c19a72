import type { Channel, NotificationKind } from '@rappel/contracts';
import { type DeliveryQueues, ensureQueued } from '@rappel/queue';
import type postgres from 'postgres';
import type { Scope, Viewer } from '../scope';
import { REPLAYABLE_STATUSES } from '../stats/read-stats';
import type { HistoryFilter } from './filters';
import { historyWhere } from './history';

/** Most rows one bulk replay moves; the caller repeats the request for more. */
export const MAX_BULK_REPLAY = 1_000;

/** Milliseconds a replay waits for Redis to take its jobs before leaving them to the relay. */
export const REPLAY_PUBLISH_TIMEOUT_MS = 2_000;

export interface ReplayResult {
  /** Rows set back to pending (and recorded with a `replayed` event). */
  replayed: string[];
  /** Of those, rows whose job is now in the queue; the others wait for the scheduler's relay. */
  queued: number;
}

export interface ReplayDeps {
  sql: postgres.Sql;
  queues: DeliveryQueues;
  zone: string;
  /** Whether Redis answers now: while it does not, the rows are left to the relay at once. */
  redisUp: () => Promise<boolean>;
  onQueueError: (error: unknown) => void;
}

type Target = { byId: string } | { byFilter: HistoryFilter };

/**
 * Sets failed rows back to `pending` (attempts kept), records who replayed them and when,
 * then, after commit, makes sure each has a live job. The rows are the replay: if Redis is
 * down (or takes over REPLAY_PUBLISH_TIMEOUT_MS) they stay pending, `queued` says how many
 * have a job, and the scheduler's relay publishes the others once Redis is back. BullMQ waits
 * for a connection that is not ready, so publishing is not even tried while Redis is down.
 */
export async function replay(
  deps: ReplayDeps,
  viewer: Viewer,
  scope: Scope,
  target: Target,
): Promise<ReplayResult> {
  const { sql } = deps;
  const where =
    'byId' in target
      ? sql`l.id = ${target.byId} ${scope.all ? sql`` : sql`and l.department_id = ${scope.departmentId}`}`
      : historyWhere(sql, scope, target.byFilter, deps.zone);
  const rows = await sql.begin(async (tx) => {
    const moved = await tx<{ id: string; channel: Channel; kind: NotificationKind; previous: string }[]>`
      with picked as (
        select l.id, l.status, l.error_code from notification_log l
        where ${where} and l.status in ${sql([...REPLAYABLE_STATUSES])}
        order by l.created_at, l.id
        limit ${MAX_BULK_REPLAY}
        for update of l skip locked
      )
      update notification_log n
      set status = 'pending', next_attempt_at = null, lease_until = null, updated_at = now()
      from picked
      where n.id = picked.id
      returning n.id, n.channel, n.kind, picked.status as previous, picked.error_code as previous_error`;
    if (moved.length > 0) {
      await tx`
        insert into notification_events (notification_id, type, status, actor, detail)
        select x.id, 'replayed', 'pending', ${viewer.userId}, jsonb_build_object(
          'by', ${viewer.fullName}::text, 'role', ${viewer.role}::text, 'previousStatus', x.previous)
        from unnest(${sql.array(moved.map((r) => r.id))}::uuid[], ${sql.array(moved.map((r) => r.previous))}::text[])
          as x(id, previous)`;
    }
    return moved;
  });
  const queued = rows.length > 0 ? await publish(deps, rows) : 0;
  return { replayed: rows.map((r) => r.id), queued };
}

/** How many of `rows` have a live job after this; 0 when Redis is down or too slow. */
async function publish(
  deps: ReplayDeps,
  rows: readonly { id: string; channel: Channel; kind: NotificationKind }[],
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!(await deps.redisUp())) throw new Error('redis is not answering');
    return await Promise.race([
      (async () => {
        const added = await ensureQueued(
          deps.queues,
          rows.map((r) => ({ id: r.id, channel: r.channel, kind: r.kind })),
        );
        return (
          added.length + (await promoteWaitingRetries(deps.queues, rows, new Set(added.map((r) => r.id))))
        );
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${REPLAY_PUBLISH_TIMEOUT_MS} ms`)),
          REPLAY_PUBLISH_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    deps.onQueueError(error);
    return 0;
  } finally {
    clearTimeout(timer);
  }
}

/** A row that was `failed` may still have its retry job delayed: a replay runs it now. */
async function promoteWaitingRetries(
  queues: DeliveryQueues,
  rows: readonly { id: string; channel: Channel }[],
  added: ReadonlySet<string>,
): Promise<number> {
  let live = 0;
  for (const row of rows) {
    if (added.has(row.id)) continue;
    const job = await queues[row.channel].getJob(row.id);
    if (!job) continue;
    if ((await job.getState()) === 'delayed') await job.promote();
    live += 1;
  }
  return live;
}
