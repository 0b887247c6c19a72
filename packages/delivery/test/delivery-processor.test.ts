import type { NotificationStatus } from '@rappel/contracts';
import { loans, notificationEvents, notificationLog, scheduledReminders } from '@rappel/db';
import { systemClock } from '@rappel/domain';
import {
  insertNotifications,
  loadBorrower,
  loadManagers,
  notificationRowsFor,
  toPublish,
} from '@rappel/outbox';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  createWorkerConnection,
  type DeliveryQueues,
  PermanentDeliveryError,
  publishRows,
  TransientDeliveryError,
} from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  deferred,
  type Fixtures,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
  waitFor,
} from '@rappel/testing';
import type { Worker } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryProcessor, createDeliveryWorker, type DeliveryChannel } from '../src';

const fastRetry = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 };
const logger = pino({ level: 'silent' });

let tdb: TestDatabase;
let f: Fixtures;
let prefix: string;
let producer: Redis;
let workerConnection: Redis;
let queues: DeliveryQueues;
let worker: Worker | undefined;

beforeAll(async () => {
  tdb = await createTestDatabase();
  f = fixtures(tdb.db);
});
afterAll(async () => {
  await tdb.drop();
});
beforeEach(async () => {
  prefix = uniqueQueuePrefix('delivery');
  producer = createProducerConnection(testEnv.redisUrl);
  workerConnection = createWorkerConnection(testEnv.redisUrl);
  queues = createDeliveryQueues({ connection: producer, prefix, retryPolicy: fastRetry, onError: () => {} });
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await closeDeliveryQueues(queues);
  producer.disconnect();
  workerConnection.disconnect();
  await cleanupPrefix(prefix);
});

/** A transport that scripts its answers and counts what it accepted. */
function scriptedChannel(script: Array<'ok' | Error>): DeliveryChannel<string> & { sent: string[] } {
  const sent: string[] = [];
  let call = 0;
  return {
    channel: 'email',
    provider: 'scripted',
    sent,
    async prepare(row) {
      return `message for ${row.recipientAddress}`;
    },
    async send(message) {
      const answer = script[Math.min(call++, script.length - 1)];
      if (answer instanceof Error) throw answer;
      sent.push(message);
      return { providerMessageId: `msg-${sent.length}` };
    },
  };
}

async function pendingEmailRow(kind: 'loan_created' | 'reminder_d1' = 'loan_created') {
  const scene = await f.scene();
  const { loan } = await f.loanWithPlan({
    departmentId: scene.department.id,
    itemId: scene.item.id,
    responsibleUserId: scene.staff.id,
    clientId: scene.client.id,
    startsAt: new Date(Date.now() - 3_600_000),
    dueAt: new Date(Date.now() + 3 * 86_400_000),
  });
  const borrower = await loadBorrower(tdb.db, loan.id);
  const rows = notificationRowsFor(
    { kind, departmentId: scene.department.id, loanId: loan.id, occurrence: '1' },
    borrower!,
    { recordSkipped: false },
  );
  const [row] = toPublish(await insertNotifications(tdb.db, rows));
  return { row: row!, loan };
}

function startWorker(channel: DeliveryChannel<string>) {
  const processor = createDeliveryProcessor({
    db: tdb.db,
    channel,
    clock: systemClock,
    logger,
    retryPolicy: fastRetry,
    actor: 'test',
  });
  worker = createDeliveryWorker({
    channel: 'email',
    processor,
    connection: workerConnection,
    prefix,
    logger,
    retryPolicy: fastRetry,
  });
  return processor;
}

/** A job as BullMQ hands it to the processor: its first attempt of three. */
const jobFor = (id: string) =>
  ({ id, data: { notificationId: id }, attemptsMade: 0, opts: { attempts: 3 } }) as never;

const statusOf = async (id: string) =>
  (await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, id)))[0]!;
/** The audit event of the row's (only) permanent failure. */
async function permanentFailureEvent(id: string) {
  const events = await tdb.db
    .select()
    .from(notificationEvents)
    .where(and(eq(notificationEvents.notificationId, id), eq(notificationEvents.type, 'permanent_failure')));
  expect(events).toHaveLength(1);
  return events[0]!;
}
const settled = (id: string, status: NotificationStatus) =>
  waitFor(
    async () => {
      const row = await statusOf(id);
      return row.status === status && !row.leaseUntil ? row : undefined;
    },
    { message: `row ${id} to become ${status}` },
  );

describe('delivery processor', () => {
  it('retries a transient error with backoff, then records sent with the provider id', async () => {
    const channel = scriptedChannel([new TransientDeliveryError('421', 'try later'), 'ok']);
    startWorker(channel);
    const { row } = await pendingEmailRow();
    await publishRows(queues, [row]);
    const done = await settled(row.id, 'sent');
    expect(done).toMatchObject({ attempts: 2, providerMessageId: 'msg-1', errorCode: '421' });
    expect(channel.sent).toHaveLength(1);
    const events = await tdb.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, row.id));
    // Each settle wrote its audit event in the same statement as the row.
    expect(
      events
        .sort((a, b) => a.id - b.id)
        .map(({ type, status, attempt, errorCode, detail, actor }) => ({
          type,
          status,
          attempt,
          errorCode,
          detail,
          actor,
        })),
    ).toEqual([
      {
        type: 'failed',
        status: 'failed',
        attempt: 1,
        errorCode: '421',
        detail: { message: 'try later' },
        actor: 'test',
      },
      {
        type: 'sent',
        status: 'sent',
        attempt: 2,
        errorCode: null,
        detail: { providerMessageId: 'msg-1' },
        actor: 'test',
      },
    ]);
    expect(done.sentAt!.getTime()).toBe(done.updatedAt.getTime());
    expect(done.nextAttemptAt).toBeNull();
    expect(done.failedAt).not.toBeNull();
  });

  it('stops at once on a permanent error', async () => {
    const channel = scriptedChannel([new PermanentDeliveryError('550', 'no such user')]);
    startWorker(channel);
    const { row } = await pendingEmailRow();
    await publishRows(queues, [row]);
    const done = await settled(row.id, 'permanent_failure');
    expect(done).toMatchObject({ attempts: 1, errorCode: '550', errorMessage: 'no such user' });
    // Refused, not given up: the e-mail fallback reads the difference from this event.
    expect((await permanentFailureEvent(row.id)).detail).toEqual({ message: 'no such user' });
  });

  it('ends as permanent_failure after the last attempt', async () => {
    const channel = scriptedChannel([new TransientDeliveryError('ETIMEDOUT', 'timeout')]);
    startWorker(channel);
    const { row } = await pendingEmailRow();
    await publishRows(queues, [row]);
    const done = await settled(row.id, 'permanent_failure');
    expect(done.attempts).toBe(3);
    expect(done.errorCode).toBe('ETIMEDOUT');
    expect((await permanentFailureEvent(row.id)).detail).toEqual({
      message: 'timeout',
      retriesExhausted: true,
    });
  });

  it('treats an unknown error as transient and keeps next_attempt_at while failed', async () => {
    const channel = scriptedChannel([new Error('socket hang up'), new Error('socket hang up'), 'ok']);
    const processor = startWorker(channel);
    await worker!.close();
    const { row } = await pendingEmailRow();
    await expect(processor(jobFor(row.id))).rejects.toBeInstanceOf(TransientDeliveryError);
    const failed = await statusOf(row.id);
    expect(failed.status).toBe('failed');
    expect(failed.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(failed.errorCode).toBe('UNKNOWN');
  });

  it('never sends twice when the same row is processed twice', async () => {
    const channel = scriptedChannel(['ok']);
    const processor = startWorker(channel);
    await worker!.close();
    const { row } = await pendingEmailRow();
    const job = jobFor(row.id);
    await processor(job);
    await processor(job);
    expect(channel.sent).toHaveLength(1);
  });

  it('never sends twice when the same row is processed twice at the same moment', async () => {
    const channel = scriptedChannel(['ok']);
    // The provider holds the first send until the second job is done: the second then meets
    // the first one's lease, whatever the timing (sent and settled, the row would just be done).
    const held = deferred();
    const send = channel.send;
    channel.send = async (message, row) => {
      await held.promise;
      return send(message, row);
    };
    const processor = startWorker(channel);
    await worker!.close();
    const { row } = await pendingEmailRow();
    const job = jobFor(row.id);
    // Both claims go out in the same statement: one caller gets the row, the other finds it
    // leased, as a second worker would.
    const first = processor(job);
    await expect(processor(job)).rejects.toMatchObject({ code: 'IN_FLIGHT' });
    held.resolve();
    await first;
    expect(channel.sent).toHaveLength(1);
    expect(await statusOf(row.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('gives each of the jobs run at the same moment its own row, context and outcome', async () => {
    const made = await Promise.all([1, 2, 3, 4, 5].map(() => pendingEmailRow()));
    const rows = made.map((m) => m.row);
    const failing = new Set([rows[1]!.id, rows[3]!.id]);
    const seen = new Map<string, string | undefined>();
    const channel: DeliveryChannel<string> = {
      channel: 'email',
      provider: 'scripted',
      async prepare(row) {
        seen.set(row.id, row.related.loan?.id);
        return row.id;
      },
      async send(id) {
        if (failing.has(id)) throw new TransientDeliveryError('421', `busy for ${id}`);
        return { providerMessageId: `provider-${id}` };
      },
    };
    const processor = startWorker(channel);
    await worker!.close();
    const outcomes = await Promise.allSettled(rows.map((r) => processor(jobFor(r.id))));

    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    // Each claim came back with its own loan, though the five were claimed together.
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(made.map((m) => [m.row.id, m.loan.id])));
    for (const row of rows) {
      const now = await statusOf(row.id);
      const events = await tdb.db
        .select()
        .from(notificationEvents)
        .where(eq(notificationEvents.notificationId, row.id));
      if (failing.has(row.id)) {
        expect(now).toMatchObject({
          status: 'failed',
          attempts: 1,
          errorCode: '421',
          errorMessage: `busy for ${row.id}`,
        });
        expect(now.nextAttemptAt).not.toBeNull();
        expect(events).toMatchObject([
          { type: 'failed', attempt: 1, detail: { message: `busy for ${row.id}` } },
        ]);
      } else {
        expect(now).toMatchObject({
          status: 'sent',
          attempts: 1,
          providerMessageId: `provider-${row.id}`,
          leaseUntil: null,
        });
        expect(events).toMatchObject([
          { type: 'sent', attempt: 1, detail: { providerMessageId: `provider-${row.id}` } },
        ]);
      }
    }
  });

  it('skips a reminder whose loan came back before it went out', async () => {
    const channel = scriptedChannel(['ok']);
    startWorker(channel);
    const { row, loan } = await pendingEmailRow('reminder_d1');
    await tdb.db.update(loans).set({ returnedAt: new Date() }).where(eq(loans.id, loan.id));
    await publishRows(queues, [row]);
    const done = await settled(row.id, 'skipped');
    expect(done.skipReason).toBe('returned');
    expect(channel.sent).toHaveLength(0);
    const [event] = await tdb.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, row.id));
    expect(event).toMatchObject({ type: 'skipped', status: 'skipped', detail: { reason: 'returned' } });
  });

  it("skips the messages fired from a plan its loan's due-date change replaced, and sends the new plan's", async () => {
    const channel = scriptedChannel(['ok']);
    const processor = startWorker(channel);
    await worker!.close();
    const scene = await f.scene();
    const { loan, reminders } = await f.loanWithPlan({
      departmentId: scene.department.id,
      itemId: scene.item.id,
      responsibleUserId: scene.staff.id,
      clientId: scene.client.id,
      startsAt: new Date(Date.now() - 3 * 86_400_000),
      dueAt: new Date(Date.now() + 3_600_000),
    });
    const oldReminder = reminders.find((r) => r.kind === 'reminder_d1')!;
    const oldOverdue = reminders.find((r) => r.kind === 'overdue')!;
    // The due date moved: version 2 and its plan.
    await tdb.db.update(loans).set({ version: 2 }).where(eq(loans.id, loan.id));
    const [newReminder] = await tdb.db
      .insert(scheduledReminders)
      .values({ loanId: loan.id, kind: 'reminder_d1', fireAt: new Date(), loanVersion: 2 })
      .returning();
    const borrower = (await loadBorrower(tdb.db, loan.id))!;
    const [manager] = await loadManagers(tdb.db, scene.department.id);
    const base = { departmentId: scene.department.id, loanId: loan.id };
    const rowOf = async (cause: Parameters<typeof notificationRowsFor>[0], to: typeof borrower) => {
      const [made] = await insertNotifications(
        tdb.db,
        notificationRowsFor(cause, to, { recordSkipped: false }),
      );
      return made!;
    };
    // Written by a sweep before the change, or by an e-mail fallback of one after it.
    const oldRow = await rowOf(
      { ...base, kind: 'reminder_d1', occurrence: 'v1', reminderId: oldReminder.id },
      borrower,
    );
    const escalation = await rowOf(
      { ...base, kind: 'overdue_escalation', occurrence: 'v1#1', reminderId: oldOverdue.id },
      manager!,
    );
    const newRow = await rowOf(
      { ...base, kind: 'reminder_d1', occurrence: 'v2', reminderId: newReminder!.id },
      borrower,
    );
    const made = [oldRow, escalation, newRow];
    for (const row of made) await processor(jobFor(row.id));

    for (const row of [oldRow, escalation]) {
      expect(await statusOf(row.id)).toMatchObject({
        status: 'skipped',
        skipReason: 'superseded',
        leaseUntil: null,
      });
    }
    expect(await statusOf(newRow.id)).toMatchObject({ status: 'sent', providerMessageId: 'msg-1' });
    expect(channel.sent).toHaveLength(1);
  });

  it('records sent a message it was sending when its loan was cancelled (the cancel left it alone)', async () => {
    const channel = scriptedChannel(['ok']);
    const started = deferred();
    const held = deferred();
    const send = channel.send;
    channel.send = async (message, row) => {
      started.resolve();
      await held.promise;
      return send(message, row);
    };
    const processor = startWorker(channel);
    await worker!.close();
    const { row, loan } = await pendingEmailRow('reminder_d1');
    const attempt = processor(jobFor(row.id));
    await started.promise;
    // The desk cancels while the provider has the message; the row, leased, stays pending.
    await tdb.db.update(loans).set({ cancelledAt: new Date() }).where(eq(loans.id, loan.id));
    held.resolve();
    await attempt;
    expect(channel.sent).toHaveLength(1);
    expect(await statusOf(row.id)).toMatchObject({
      status: 'sent',
      providerMessageId: 'msg-1',
      leaseUntil: null,
    });
  });

  it('skips any message of a cancelled loan that the cancel left to an attempt which failed', async () => {
    const channel = scriptedChannel([new TransientDeliveryError('421', 'try later'), 'ok']);
    const processor = startWorker(channel);
    await worker!.close();
    const { row, loan } = await pendingEmailRow('loan_created');
    await expect(processor(jobFor(row.id))).rejects.toBeInstanceOf(TransientDeliveryError);
    // Cancelled while that attempt held the row: the retry finds the loan cancelled.
    await tdb.db.update(loans).set({ cancelledAt: new Date() }).where(eq(loans.id, loan.id));
    await processor(jobFor(row.id));
    expect(channel.sent).toHaveLength(0);
    expect(await statusOf(row.id)).toMatchObject({ status: 'skipped', skipReason: 'cancelled' });
  });

  it('does nothing with a message the cancel marked before any worker took it', async () => {
    const channel = scriptedChannel(['ok']);
    const processor = startWorker(channel);
    await worker!.close();
    const { row } = await pendingEmailRow('loan_created');
    await tdb.db
      .update(notificationLog)
      .set({ status: 'cancelled', skipReason: 'cancelled' })
      .where(eq(notificationLog.id, row.id));
    await processor(jobFor(row.id));
    expect(channel.sent).toHaveLength(0);
    expect(await statusOf(row.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('rejects a malformed payload as permanent', async () => {
    const processor = startWorker(scriptedChannel(['ok']));
    await worker!.close();
    await expect(
      processor({ id: 'x', data: { nope: true }, attemptsMade: 0, opts: {} } as never),
    ).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
