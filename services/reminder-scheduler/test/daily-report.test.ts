import { dailyReportSchema, QUEUE_NAMES, SCHEDULER_JOBS } from '@rappel/contracts';
import { type Database, loans, notificationLog } from '@rappel/db';
import { insertNotifications, loadBorrower, notificationRowsFor } from '@rappel/outbox';
import { createWorkerConnection } from '@rappel/queue';
import { testEnv, waitFor } from '@rappel/testing';
import { type Job, Queue, Worker } from 'bullmq';
import { and, asc, eq } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSchedulerConfig } from '../src/config';
import { jobSchedulerSpecs } from '../src/job-schedulers';
import { dailyReport } from '../src/jobs/daily-report';
import { createSchedulerMetrics } from '../src/scheduler-metrics';
import { createSchedulerProcessor } from '../src/scheduler-processor';
import { createHarness, type Harness, silentLogger } from './harness';

let h: Harness;
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await h?.close();
});

const at = (iso: string) => new Date(iso);

describe('dailyReport', () => {
  it('sends each department its figures in the site zone, to its managers and super admins, once a day', async () => {
    // 07:30 in Africa/Libreville (UTC+1) on 2026-12-10.
    h = await createHarness('2026-12-10T06:30:00Z');
    const { f } = h;
    const s = await f.scene();
    const admin = await f.user(null, { role: 'super_admin', fullName: 'Admin Central' });
    const other = await f.department();
    const otherManager = await f.user(other.id, { role: 'dept_manager' });
    await f.user(s.department.id, { role: 'dept_manager', active: false });
    const room = await f.room(s.department.id, { name: 'Salle Okoumé' });

    const loan = async (dueAt: string, borrower: { clientId: string } | { roomId: string }) => {
      const item = await f.item(s.department.id);
      const { loan } = await f.loanWithPlan({
        departmentId: s.department.id,
        itemId: item.id,
        responsibleUserId: s.staff.id,
        startsAt: at('2026-12-01T08:00:00Z'),
        dueAt: at(dueAt),
        ...borrower,
      });
      return { loan, item };
    };
    const client = { clientId: s.client.id };
    const dueToday = await loan('2026-12-10T14:00:00Z', client);
    const earlierToday = await loan('2026-12-10T05:00:00Z', client);
    const twoDaysLate = await loan('2026-12-08T09:00:00Z', { roomId: room.id });
    const returned = await loan('2026-12-07T09:00:00Z', client);
    await h.tdb.db
      .update(loans)
      .set({ returnedAt: at('2026-12-09T09:00:00Z') })
      .where(eq(loans.id, returned.loan.id));
    await loan('2026-12-11T09:00:00Z', client); // tomorrow: not in the report

    // Yesterday's messages (local day 2026-12-09 = 2026-12-08T23:00Z .. 2026-12-09T23:00Z).
    const borrower = (await loadBorrower(h.tdb.db, dueToday.loan.id))!;
    const message = async (
      occurrence: string,
      status: 'sent' | 'skipped' | 'permanent_failure',
      createdAt: string,
      updatedAt = createdAt,
    ) => {
      const [row] = await insertNotifications(
        h.tdb.db,
        notificationRowsFor(
          { kind: 'loan_created', departmentId: s.department.id, loanId: dueToday.loan.id, occurrence },
          borrower,
          { recordSkipped: false },
        ),
      );
      await h.tdb.db
        .update(notificationLog)
        .set({
          status,
          createdAt: at(createdAt),
          updatedAt: at(updatedAt),
          errorCode: status === 'permanent_failure' ? '550' : null,
        })
        .where(eq(notificationLog.id, row!.id));
      return row!.id;
    };
    await message('a', 'sent', '2026-12-08T23:00:00Z');
    await message('b', 'sent', '2026-12-09T22:59:00Z');
    await message('c', 'skipped', '2026-12-09T12:00:00Z');
    await message('d', 'sent', '2026-12-08T22:59:00Z'); // the day before yesterday
    const failed = await message('e', 'permanent_failure', '2026-12-09T10:00:00Z', '2026-12-10T03:30:00Z');

    const summary = await dailyReport({
      db: h.tdb.db,
      publisher: h.publisher,
      clock: h.clock,
      logger: silentLogger,
      zone: 'Africa/Libreville',
    });
    expect(summary).toEqual({ date: '2026-12-10', departments: 1, rows: 2 });

    const reports = await h.tdb.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.kind, 'daily_report'));
    expect(reports.map((r) => [r.recipientId, r.channel, r.status, r.occurrence, r.loanId]).sort()).toEqual(
      [
        [s.manager.id, 'email', 'pending', '2026-12-10', null],
        [admin.id, 'email', 'pending', '2026-12-10', null],
      ].sort(),
    );
    expect(reports.some((r) => r.recipientId === otherManager.id)).toBe(false);
    for (const r of reports) {
      expect(r.departmentId).toBe(s.department.id);
      expect((await h.queues.email.getJob(r.id))?.name).toBe('daily_report');
    }

    const context = dailyReportSchema.parse(reports[0]!.context);
    expect(context.date).toBe('2026-12-10');
    expect(context.dueToday.map((l) => [l.loanId, l.itemName, l.borrowerName, l.dueAt])).toEqual([
      [dueToday.loan.id, dueToday.item.name, s.client.fullName, '2026-12-10T14:00:00.000Z'],
    ]);
    expect(context.dueToday[0]?.roomNumber).toBe(s.client.roomNumber);
    expect(context.overdue.map((l) => [l.loanId, l.borrowerName])).toEqual([
      [twoDaysLate.loan.id, 'Salle Okoumé'],
      [earlierToday.loan.id, s.client.fullName],
    ]);
    expect(reports[0]!.context).toMatchObject({
      overdue: [{ daysLate: 2 }, { daysLate: 0 }],
    });
    expect(context.yesterdayByStatus).toEqual({ sent: 2, skipped: 1, permanent_failure: 1 });
    expect(context.failuresToReview).toEqual([
      {
        notificationId: failed,
        kind: 'loan_created',
        channel: 'email',
        recipientName: s.client.fullName,
        errorCode: '550',
        failedAt: '2026-12-10T03:30:00.000Z',
      },
    ]);

    // The same day again (a retried job, another replica): nothing new.
    h.clock.set('2026-12-10T08:00:00Z');
    expect(
      await dailyReport({
        db: h.tdb.db,
        publisher: h.publisher,
        clock: h.clock,
        logger: silentLogger,
        zone: 'Africa/Libreville',
      }),
    ).toMatchObject({ rows: 0 });
    const count = await h.tdb.db
      .select()
      .from(notificationLog)
      .where(and(eq(notificationLog.kind, 'daily_report'), eq(notificationLog.recipientId, s.manager.id)));
    expect(count).toHaveLength(1);
  });

  it('retries a run that failed part-way, and the retry writes and sends only the departments not done', async () => {
    h = await createHarness('2026-12-10T06:45:00Z'); // 07:45 in Paris
    const zone = 'Europe/Paris';
    const managers = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const s = await h.f.scene();
      managers.set(s.department.id, s.manager.id);
      await h.f.loanWithPlan({
        departmentId: s.department.id,
        itemId: s.item.id,
        responsibleUserId: s.staff.id,
        clientId: s.client.id,
        startsAt: at('2026-12-01T08:00:00Z'),
        dueAt: at('2026-12-09T16:00:00Z'),
      });
    }
    // Departments are reported in id order; the second one's write fails once (a Postgres blink).
    let transactions = 0;
    const flaky: Database = Object.create(h.tdb.db);
    flaky.transaction = ((...args: Parameters<Database['transaction']>) => {
      transactions++;
      if (transactions === 2) return Promise.reject(new Error('Connection terminated unexpectedly'));
      return h.tdb.db.transaction(...args);
    }) as Database['transaction'];

    // The scheduler's own daily-report job, as its template makes it, taken at once.
    const spec = jobSchedulerSpecs({
      fireIntervalSeconds: 15,
      relayIntervalSeconds: 30,
      retentionTime: '02:00',
      dailyReportTime: '07:30',
      zone,
    }).find((s) => s.id === SCHEDULER_JOBS.dailyReport)!;
    const queue = new Queue(QUEUE_NAMES.scheduler, { connection: h.connection, prefix: h.prefix });
    closers.push(() => queue.close());
    const first = await queue.upsertJobScheduler(spec.id, spec.repeat, {
      name: spec.id,
      data: {},
      opts: spec.opts,
    });
    await first.promote();
    const config = parseSchedulerConfig({ DATABASE_URL: h.tdb.url, APP_TIMEZONE: zone });
    const processor = createSchedulerProcessor({
      db: flaky,
      queues: h.queues,
      publisher: h.publisher,
      clock: h.clock,
      logger: silentLogger,
      config,
      metrics: createSchedulerMetrics(new Registry()),
    });
    const workerConnection = createWorkerConnection(testEnv.redisUrl);
    const worker = new Worker(QUEUE_NAMES.scheduler, processor, {
      connection: workerConnection,
      prefix: h.prefix,
    });
    closers.push(async () => {
      await worker.close();
      workerConnection.disconnect();
    });
    const run = async () => (await queue.getJob(first.id!)) as Job;

    // The failed attempt is waiting for its retry; the department done before the failure is kept.
    await waitFor(
      async () => (await run()).attemptsMade === 1 && (await run().then((j) => j.getState())) === 'delayed',
      {
        message: 'the failed attempt to wait for a retry',
      },
    );
    const rowsNow = () =>
      h.tdb.db
        .select()
        .from(notificationLog)
        .where(eq(notificationLog.kind, 'daily_report'))
        .orderBy(asc(notificationLog.departmentId));
    const [firstDepartment] = [...managers.keys()].sort();
    const afterFailure = await rowsNow();
    expect(afterFailure.map((r) => [r.departmentId, r.recipientId])).toEqual([
      [firstDepartment, managers.get(firstDepartment!)],
    ]);

    h.clock.set('2026-12-10T06:46:00Z');
    await (await run()).promote();
    await waitFor(async () => (await run().then((j) => j.getState())) === 'completed', {
      message: 'the retry to complete',
    });
    const retried = await run();
    expect(retried.attemptsMade).toBe(2);
    expect(retried.returnvalue).toEqual({ date: '2026-12-10', departments: 3, rows: 2 });

    const rows = await rowsNow();
    expect(rows.map((r) => [r.departmentId, r.recipientId, r.occurrence])).toEqual(
      [...managers].sort().map(([d, m]) => [d, m, '2026-12-10']),
    );
    expect(rows[0]!.id).toBe(afterFailure[0]!.id);
    expect(await h.emailJobIds('daily_report')).toEqual(rows.map((r) => r.id).sort());
  });
});
