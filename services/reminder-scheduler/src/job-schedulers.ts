import { isDeepStrictEqual } from 'node:util';
import { SCHEDULER_JOBS, type SchedulerJobName } from '@rappel/contracts';
import type { JobSchedulerJson, JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';

export interface JobSchedulerSettings {
  fireIntervalSeconds: number;
  relayIntervalSeconds: number;
  /** "HH:MM" in `zone`. */
  retentionTime: string;
  dailyReportTime: string;
  zone: string;
}

export type SchedulerQueue = Queue<Record<string, never>, unknown, SchedulerJobName>;

/** "HH:MM" → a daily cron pattern ("30 7 * * *"). */
export const dailyCron = (time: string): string => {
  const [hour, minute] = time.split(':').map(Number);
  return `${minute} ${hour} * * *`;
};

/** Scheduler jobs are bookkeeping: Redis keeps a short tail of them for Bull Board. */
const kept = {
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

/**
 * Ticks are not retried: the next tick (seconds away, or tomorrow night's purge) does the same
 * work, and a retry would only pile up behind it.
 */
const tickOpts: JobSchedulerTemplateOptions = { attempts: 1, ...kept };

/**
 * The daily report happens once a day, so a failed run is retried: 5 attempts, 1, 2, 4 then 8
 * minutes apart (15 minutes in all, enough for a Postgres failover). A retry writes and sends
 * only what the failed attempt did not: each row's key is the department, the manager, the
 * channel and the local date (jobs/daily-report.ts).
 */
export const dailyReportJobOpts: JobSchedulerTemplateOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 60_000 },
  ...kept,
};

/** What one job scheduler should be: how it repeats and the job it makes. */
export interface JobSchedulerSpec {
  id: SchedulerJobName;
  repeat: Pick<RepeatOptions, 'every' | 'pattern' | 'tz'>;
  opts: JobSchedulerTemplateOptions;
}

/** The four job schedulers these settings ask for. The ids are persisted names (SCHEDULER_JOBS). */
export function jobSchedulerSpecs(s: JobSchedulerSettings): JobSchedulerSpec[] {
  const daily = (time: string) => ({ pattern: dailyCron(time), tz: s.zone });
  return [
    { id: SCHEDULER_JOBS.fireDueReminders, repeat: { every: s.fireIntervalSeconds * 1000 }, opts: tickOpts },
    { id: SCHEDULER_JOBS.relay, repeat: { every: s.relayIntervalSeconds * 1000 }, opts: tickOpts },
    { id: SCHEDULER_JOBS.retention, repeat: daily(s.retentionTime), opts: tickOpts },
    { id: SCHEDULER_JOBS.dailyReport, repeat: daily(s.dailyReportTime), opts: dailyReportJobOpts },
  ];
}

/** True when the scheduler in Redis repeats as `spec` says and makes the job it describes. */
export const schedulerMatches = (installed: JobSchedulerJson, spec: JobSchedulerSpec): boolean =>
  installed.name === spec.id &&
  installed.every === spec.repeat.every &&
  installed.pattern === spec.repeat.pattern &&
  installed.tz === spec.repeat.tz &&
  installed.limit === undefined &&
  installed.startDate === undefined &&
  installed.endDate === undefined &&
  isDeepStrictEqual(installed.template?.data ?? {}, {}) &&
  isDeepStrictEqual(installed.template?.opts ?? {}, spec.opts);

const upsert = (queue: SchedulerQueue, spec: JobSchedulerSpec) =>
  queue.upsertJobScheduler(spec.id, spec.repeat, { name: spec.id, data: {}, opts: spec.opts });

/**
 * Upserts the job schedulers that are missing from Redis or differ from the settings, and
 * returns their ids. Every replica calls this at start-up; the last writer's settings win and
 * there is still one tick per interval.
 *
 * A scheduler that is already as wanted is left alone. Upserting it would throw its pending job
 * away and, for a daily pattern, compute the next run from now: a replica starting at 08:00
 * after an outage over 07:30 would cancel that morning's report instead of letting it run late.
 */
export async function registerJobSchedulers(
  queue: SchedulerQueue,
  s: JobSchedulerSettings,
): Promise<SchedulerJobName[]> {
  const changed: SchedulerJobName[] = [];
  for (const spec of jobSchedulerSpecs(s)) {
    const installed = await queue.getJobScheduler(spec.id);
    if (installed && schedulerMatches(installed, spec)) continue;
    await upsert(queue, spec);
    changed.push(spec.id);
  }
  return changed;
}

/**
 * Upserts the job schedulers that are missing from Redis and returns their ids. The schedulers
 * live only in Redis: a Redis that restarts without persistence (or fails over to an empty
 * replica) forgets them, and then nothing would ever tick again — no reminder, no relay. Every
 * replica calls this periodically; present schedulers are left alone so their timing is kept
 * (and replicas of two versions during a rollout do not overwrite each other's every few seconds).
 */
export async function ensureJobSchedulers(
  queue: SchedulerQueue,
  s: JobSchedulerSettings,
): Promise<SchedulerJobName[]> {
  const present = new Set((await queue.getJobSchedulers()).map((j) => j.key));
  const missing = jobSchedulerSpecs(s).filter((spec) => !present.has(spec.id));
  for (const spec of missing) await upsert(queue, spec);
  return missing.map((spec) => spec.id);
}
