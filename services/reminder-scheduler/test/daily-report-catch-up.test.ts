import { QUEUE_NAMES, SCHEDULER_JOBS } from '@rappel/contracts';
import { notificationLog } from '@rappel/db';
import { createProducerConnection, createWorkerConnection, waitUntilReady } from '@rappel/queue';
import { testEnv, waitFor } from '@rappel/testing';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSchedulerApp, type SchedulerApp } from '../src/app';
import { parseSchedulerConfig } from '../src/config';
import { catchUpDailyReport } from '../src/daily-report-catch-up';
import { registerJobSchedulers, type SchedulerQueue } from '../src/job-schedulers';
import { dailyReport } from '../src/jobs/daily-report';
import { createHarness, type Harness, silentLogger } from './harness';

const zone = 'Europe/Paris';
let h: Harness;
let queue: SchedulerQueue | undefined;
let app: SchedulerApp | undefined;
const closers: (() => unknown)[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  app = undefined;
  await queue?.close();
  queue = undefined;
  for (const close of closers.splice(0)) await close();
  await h?.close();
});

const openQueue = () => {
  queue = new Queue(QUEUE_NAMES.scheduler, { connection: h.connection, prefix: h.prefix });
  return queue;
};

/** Departments with an overdue loan each: every one has a report to send. */
async function departmentsWithOverdueLoans(n: number) {
  const scenes = [];
  for (let i = 0; i < n; i++) {
    const s = await h.f.scene();
    await h.f.loanWithPlan({
      departmentId: s.department.id,
      itemId: s.item.id,
      responsibleUserId: s.staff.id,
      clientId: s.client.id,
      startsAt: new Date('2026-12-01T08:00:00Z'),
      dueAt: new Date('2026-12-09T16:00:00Z'),
    });
    scenes.push(s);
  }
  return scenes;
}

const reportRows = () =>
  h.tdb.db.select().from(notificationLog).where(eq(notificationLog.kind, 'daily_report'));

async function startApp(dailyReportTime: string) {
  const config = parseSchedulerConfig({
    DATABASE_URL: h.tdb.url,
    REDIS_URL: testEnv.redisUrl,
    QUEUE_PREFIX: h.prefix,
    APP_TIMEZONE: zone,
    DAILY_REPORT_TIME: dailyReportTime,
    LOG_LEVEL: 'silent',
  });
  const producer = createProducerConnection(testEnv.redisUrl);
  const workerConnection = createWorkerConnection(testEnv.redisUrl);
  closers.push(
    () => producer.disconnect(),
    () => workerConnection.disconnect(),
  );
  await waitUntilReady(producer);
  app = await buildSchedulerApp({
    config,
    db: h.tdb.db,
    sql: h.tdb.sql,
    producer,
    workerConnection,
    logger: silentLogger,
    clock: h.clock,
  });
  await app.start();
  return app;
}

/**
 * The scheduler as every replica left it on the evening of 2026-12-09: registered, today's report
 * pending for 07:30 Paris. Then every replica is down at 07:30 and one starts at 08:00.
 */
async function allReplicasDownAtReportTime() {
  // BullMQ places a scheduler's runs with Date.now(): only Date is faked, timers stay real.
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date('2026-12-09T20:00:00Z'));
  await registerJobSchedulers(openQueue(), {
    fireIntervalSeconds: 15,
    relayIntervalSeconds: 30,
    retentionTime: '02:00',
    dailyReportTime: '07:30',
    zone,
  });
  const pending = `repeat:${SCHEDULER_JOBS.dailyReport}:${Date.parse('2026-12-10T06:30:00Z')}`;
  expect(await queue!.getJobState(pending)).toBe('delayed');
  vi.setSystemTime(new Date('2026-12-10T07:00:00Z'));
  h.clock.set('2026-12-10T07:00:00Z');
  return pending;
}

describe('catchUpDailyReport', () => {
  it("queues today's report once its time has passed and none of it is written, once per date", async () => {
    h = await createHarness('2026-12-10T06:00:00Z'); // 07:00 in Paris
    await departmentsWithOverdueLoans(1);
    const deps = { queue: openQueue(), db: h.tdb.db, clock: h.clock, time: '07:30', zone };

    expect(await catchUpDailyReport(deps)).toEqual({ outcome: 'not_due', date: '2026-12-10' });
    expect(await queue!.getJobCountByTypes('wait', 'delayed')).toBe(0);

    h.clock.set('2026-12-10T06:30:00Z');
    const queued = { outcome: 'queued', date: '2026-12-10', jobId: 'daily-report-catch-up-2026-12-10' };
    expect(await catchUpDailyReport(deps)).toEqual(queued);
    // Replicas starting together: one run.
    expect(await catchUpDailyReport(deps)).toEqual(queued);
    const waiting = await queue!.getJobs(['wait']);
    expect(waiting.map((j) => [j.id, j.name, j.opts.attempts])).toEqual([
      ['daily-report-catch-up-2026-12-10', SCHEDULER_JOBS.dailyReport, 5],
    ]);

    await dailyReport({ db: h.tdb.db, publisher: h.publisher, clock: h.clock, logger: silentLogger, zone });
    h.clock.set('2026-12-10T21:00:00Z');
    expect(await catchUpDailyReport(deps)).toEqual({ outcome: 'written', date: '2026-12-10' });

    // Yesterday's rows are not today's report.
    h.clock.set('2026-12-11T07:00:00Z');
    expect(await catchUpDailyReport(deps)).toMatchObject({ outcome: 'queued', date: '2026-12-11' });
  });
});

describe('a replica starting after a missed report time', () => {
  it('sends that morning’s report, once', async () => {
    h = await createHarness('2026-12-09T20:00:00Z');
    const scenes = await departmentsWithOverdueLoans(2);
    const pending = await allReplicasDownAtReportTime();

    await startApp('07:30');
    const rows = await waitFor(
      async () => {
        const r = await reportRows();
        return r.length === 2 ? r : undefined;
      },
      { timeoutMs: 15_000, message: "the day's report" },
    );
    expect(rows.map((r) => [r.departmentId, r.recipientId, r.occurrence]).sort()).toEqual(
      scenes.map((s) => [s.department.id, s.manager.id, '2026-12-10']).sort(),
    );

    // The scheduler's own run (kept at start) and the catch-up both ran; one wrote the rows.
    const done = await waitFor(
      async () => {
        const jobs = await Promise.all(
          [pending, 'daily-report-catch-up-2026-12-10'].map((id) => app!.schedulerQueue.getJob(id)),
        );
        return jobs.every((j) => j?.finishedOn && !j.failedReason) ? jobs : undefined;
      },
      { timeoutMs: 15_000, message: 'both report runs to finish' },
    );
    expect(done.map((j) => (j!.returnvalue as { rows: number }).rows).sort()).toEqual([0, 2]);
    expect(await reportRows()).toHaveLength(2);
    expect(await h.emailJobIds('daily_report')).toEqual(rows.map((r) => r.id).sort());
  });

  it('sends it too when the report time was changed meanwhile (the upsert drops the pending run)', async () => {
    h = await createHarness('2026-12-09T20:00:00Z');
    await departmentsWithOverdueLoans(1);
    const pending = await allReplicasDownAtReportTime();

    await startApp('07:15');
    expect(await queue!.getJob(pending)).toBeUndefined();
    expect(await queue!.getJobScheduler(SCHEDULER_JOBS.dailyReport)).toMatchObject({
      pattern: '15 7 * * *',
      next: Date.parse('2026-12-11T06:15:00Z'),
    });
    await waitFor(async () => (await reportRows()).length === 1, {
      timeoutMs: 15_000,
      message: "the day's report",
    });
    expect((await reportRows())[0]).toMatchObject({ occurrence: '2026-12-10', status: 'pending' });
  });
});
