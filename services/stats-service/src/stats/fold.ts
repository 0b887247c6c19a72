import { startPeriodicTask } from '@rappel/observability';
import type { Logger } from 'pino';
import type postgres from 'postgres';

/** Moves the committed rollup deltas into the rollups; returns how many delta rows it folded (-1: another fold was running). */
export async function foldRollups(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ folded: string }[]>`select fold_notification_rollups() as folded`;
  return Number(row?.folded ?? 0);
}

/**
 * Folds the rollup deltas every `intervalMs` (one fold at a time; a failed fold is logged and
 * retried at the next tick: the deltas stay and reads stay exact meanwhile). `stop()` waits
 * for a fold in flight.
 */
export function startRollupFolding(options: { sql: postgres.Sql; intervalMs: number; logger: Logger }) {
  const { sql, logger } = options;
  return startPeriodicTask({
    name: 'rollup fold',
    intervalMs: options.intervalMs,
    logger,
    run: async () => {
      const folded = await foldRollups(sql);
      if (folded > 0) logger.debug({ folded }, 'rollup deltas folded');
    },
  });
}
