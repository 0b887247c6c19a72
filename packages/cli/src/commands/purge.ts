import type { Database } from '@rappel/db';
import { retention } from '@rappel/reminder-scheduler/src/jobs/retention';
import type { Logger } from 'pino';

/** The scheduler's daily retention, run now (same rules: finished rows only). */
export function purge(
  db: Database,
  options: { now: Date; retentionDays: number; anonymiseAfterDays?: number | undefined; logger: Logger },
) {
  return retention({
    db,
    clock: { now: () => options.now },
    logger: options.logger,
    retentionDays: options.retentionDays,
    anonymiseAfterDays: options.anonymiseAfterDays,
    batchSize: 1000,
  });
}
