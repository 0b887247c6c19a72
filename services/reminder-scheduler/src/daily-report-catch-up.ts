import { SCHEDULER_JOBS } from '@rappel/contracts';
import type { Database } from '@rappel/db';
import { type Clock, localDateOf, localDateTimeToInstant } from '@rappel/domain';
import { dailyReportJobOpts, type SchedulerQueue } from './job-schedulers';
import { dailyReportWritten } from './jobs/daily-report';

export interface DailyReportCatchUpDeps {
  queue: SchedulerQueue;
  db: Database;
  clock: Clock;
  /** "HH:MM" in `zone`: DAILY_REPORT_TIME. */
  time: string;
  zone: string;
}

/**
 * What the catch-up found: the report time has not come yet today, some of today's report is
 * written already, or it queued a run (`jobId`, one per local date).
 */
export type DailyReportCatchUp =
  | { outcome: 'not_due' | 'written'; date: string }
  | { outcome: 'queued'; date: string; jobId: string };

/**
 * Queues today's daily report when its time has passed and none of it is written. The job
 * scheduler's own run can be lost: every replica down at the report time and then a changed
 * scheduler upserted (which drops the pending run), or Redis losing its data. A run the
 * scheduler still holds may then run too; the second writes nothing (see dailyReport). The job
 * id is the local date, so replicas starting together queue one run.
 */
export async function catchUpDailyReport(deps: DailyReportCatchUpDeps): Promise<DailyReportCatchUp> {
  const now = deps.clock.now();
  const date = localDateOf(now, deps.zone);
  if (now < localDateTimeToInstant(date, deps.time, deps.zone)) return { outcome: 'not_due', date };
  if (await dailyReportWritten(deps.db, date)) return { outcome: 'written', date };
  const jobId = `daily-report-catch-up-${date}`;
  await deps.queue.add(SCHEDULER_JOBS.dailyReport, {}, { ...dailyReportJobOpts, jobId });
  return { outcome: 'queued', date, jobId };
}
