import { QUEUE_NAMES, SCHEDULER_JOBS } from '@rappel/contracts';
import { createProducerConnection, waitUntilReady } from '@rappel/queue';
import { cleanupPrefix, testEnv, uniqueQueuePrefix } from '@rappel/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  dailyReportJobOpts,
  type JobSchedulerSettings,
  registerJobSchedulers,
  type SchedulerQueue,
} from '../src/job-schedulers';

const settings: JobSchedulerSettings = {
  fireIntervalSeconds: 15,
  relayIntervalSeconds: 30,
  retentionTime: '02:00',
  dailyReportTime: '07:30',
  zone: 'Europe/Paris',
};

let prefix: string;
let connection: Redis;
let queue: SchedulerQueue;

beforeEach(async () => {
  prefix = uniqueQueuePrefix('sched-reg');
  connection = createProducerConnection(testEnv.redisUrl);
  await waitUntilReady(connection);
  queue = new Queue(QUEUE_NAMES.scheduler, { connection, prefix });
  // BullMQ reads Date.now() to place a scheduler's runs; only Date is faked, timers stay real.
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
});

afterEach(async () => {
  vi.useRealTimers();
  await queue.close();
  connection.disconnect();
  await cleanupPrefix(prefix);
});

const reportRunAt = (iso: string) => `repeat:${SCHEDULER_JOBS.dailyReport}:${Date.parse(iso)}`;
const pendingReportRuns = async () =>
  (await queue.getJobs(['delayed', 'wait', 'prioritized']))
    .filter((j) => j.name === SCHEDULER_JOBS.dailyReport)
    .map((j) => j.id);

describe('registerJobSchedulers', () => {
  it("keeps the report's pending run when a replica starts after the report time with the same settings", async () => {
    vi.setSystemTime(new Date('2026-12-10T06:00:00Z')); // 07:00 in Paris
    expect((await registerJobSchedulers(queue, settings)).sort()).toEqual(
      Object.values(SCHEDULER_JOBS).sort(),
    );
    expect(await pendingReportRuns()).toEqual([reportRunAt('2026-12-10T06:30:00Z')]);

    // Every replica was down at 07:30; one starts at 08:00.
    vi.setSystemTime(new Date('2026-12-10T07:00:00Z'));
    const changed = await registerJobSchedulers(queue, settings);
    // Today's run is still there, overdue, for the worker to take at once.
    expect(await pendingReportRuns()).toEqual([reportRunAt('2026-12-10T06:30:00Z')]);
    expect(await queue.getJobScheduler(SCHEDULER_JOBS.dailyReport)).toMatchObject({
      next: Date.parse('2026-12-10T06:30:00Z'),
    });
    expect(changed).toEqual([]);
  });

  it('upserts only the schedulers whose settings changed', async () => {
    vi.setSystemTime(new Date('2026-12-10T06:00:00Z'));
    await registerJobSchedulers(queue, settings);
    const moved = { ...settings, relayIntervalSeconds: 60, dailyReportTime: '08:15' };
    const changed = await registerJobSchedulers(queue, moved);
    expect(changed.sort()).toEqual([SCHEDULER_JOBS.dailyReport, SCHEDULER_JOBS.relay].sort());
    const byId = Object.fromEntries((await queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect(byId[SCHEDULER_JOBS.relay]).toMatchObject({ every: 60_000 });
    expect(byId[SCHEDULER_JOBS.dailyReport]).toMatchObject({ pattern: '15 8 * * *', tz: 'Europe/Paris' });
    expect(await pendingReportRuns()).toEqual([reportRunAt('2026-12-10T07:15:00Z')]);

    expect(await registerJobSchedulers(queue, { ...moved, zone: 'Africa/Libreville' })).toEqual([
      SCHEDULER_JOBS.retention,
      SCHEDULER_JOBS.dailyReport,
    ]);
  });

  it('gives the daily report retries with backoff, and the ticks none', async () => {
    await registerJobSchedulers(queue, settings);
    const byId = Object.fromEntries((await queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect(byId[SCHEDULER_JOBS.dailyReport]?.template?.opts).toEqual(dailyReportJobOpts);
    expect(dailyReportJobOpts).toMatchObject({ attempts: 5, backoff: { type: 'exponential' } });
    for (const id of [SCHEDULER_JOBS.fireDueReminders, SCHEDULER_JOBS.relay, SCHEDULER_JOBS.retention])
      expect(byId[id]?.template?.opts).toMatchObject({ attempts: 1 });
    const [run] = await queue
      .getJobs(['delayed'])
      .then((jobs) => jobs.filter((j) => j.name === SCHEDULER_JOBS.dailyReport));
    expect(run?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 60_000 } });
  });
});
