import { SCHEDULER_JOBS, type SchedulerJobName } from '@rappel/contracts';
import type { Queue } from 'bullmq';

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
const templateOpts = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

/**
 * Upserts the four job schedulers. BullMQ keeps one scheduler per id, so every replica may call
 * this at start-up: the last writer's settings win and there is still one tick per interval.
 * The ids are persisted names (SCHEDULER_JOBS).
 */
export async function registerJobSchedulers(
  queue: SchedulerQueue,
  s: JobSchedulerSettings,
  only?: ReadonlySet<SchedulerJobName>,
): Promise<void> {
  const every = (id: SchedulerJobName, seconds: number) =>
    queue.upsertJobScheduler(id, { every: seconds * 1000 }, { name: id, data: {}, opts: templateOpts });
  const daily = (id: SchedulerJobName, time: string) =>
    queue.upsertJobScheduler(
      id,
      { pattern: dailyCron(time), tz: s.zone },
      { name: id, data: {}, opts: templateOpts },
    );
  const wanted = (id: SchedulerJobName) => !only || only.has(id);
  if (wanted(SCHEDULER_JOBS.fireDueReminders))
    await every(SCHEDULER_JOBS.fireDueReminders, s.fireIntervalSeconds);
  if (wanted(SCHEDULER_JOBS.relay)) await every(SCHEDULER_JOBS.relay, s.relayIntervalSeconds);
  if (wanted(SCHEDULER_JOBS.retention)) await daily(SCHEDULER_JOBS.retention, s.retentionTime);
  if (wanted(SCHEDULER_JOBS.dailyReport)) await daily(SCHEDULER_JOBS.dailyReport, s.dailyReportTime);
}

/**
 * Upserts the job schedulers that are missing from Redis and returns their ids. The schedulers
 * live only in Redis: a Redis that restarts without persistence (or fails over to an empty
 * replica) forgets them, and then nothing would ever tick again — no reminder, no relay. Every
 * replica calls this periodically; present schedulers are left alone so their timing is kept.
 */
export async function ensureJobSchedulers(
  queue: SchedulerQueue,
  s: JobSchedulerSettings,
): Promise<SchedulerJobName[]> {
  const present = new Set((await queue.getJobSchedulers()).map((j) => j.key));
  const missing = Object.values(SCHEDULER_JOBS).filter((id) => !present.has(id));
  if (missing.length > 0) await registerJobSchedulers(queue, s, new Set(missing));
  return missing;
}
