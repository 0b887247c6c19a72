import { notificationLog } from '@rappel/db';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  waitUntilReady,
} from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  type TestDatabase,
  testEnv,
  UNREACHABLE_REDIS_URL,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutboxPublisher,
  insertNotifications,
  loadBorrower,
  loadManagers,
  notificationRowsFor,
  toPublish,
} from '../src';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.drop();
});

describe('outbox', () => {
  it('writes one row per enabled channel, idempotently, and publishes pending ones', async () => {
    const f = fixtures(tdb.db);
    const scene = await f.scene({ whatsapp: true });
    const { loan } = await f.loanWithPlan({
      departmentId: scene.department.id,
      itemId: scene.item.id,
      responsibleUserId: scene.staff.id,
      clientId: scene.client.id,
      startsAt: new Date('2026-12-01T08:00:00Z'),
      dueAt: new Date('2026-12-04T09:00:00Z'),
    });
    const borrower = await loadBorrower(tdb.db, loan.id);
    expect(borrower).toMatchObject({ type: 'client', id: scene.client.id, email: scene.client.email });

    const cause = {
      kind: 'loan_created' as const,
      departmentId: scene.department.id,
      loanId: loan.id,
      occurrence: '1',
    };
    const rows = notificationRowsFor(cause, borrower!, { recordSkipped: false });
    const first = await insertNotifications(tdb.db, rows);
    const second = await insertNotifications(tdb.db, rows);
    expect(first.map((r) => r.channel).sort()).toEqual(['email', 'whatsapp']);
    expect(second).toEqual([]);

    const prefix = uniqueQueuePrefix('outbox');
    const connection = createProducerConnection(testEnv.redisUrl);
    await waitUntilReady(connection);
    const queues = createDeliveryQueues({ connection, prefix, onError: () => {} });
    try {
      const publisher = createOutboxPublisher({ queues, logger: pino({ level: 'silent' }) });
      expect(await publisher.publishAfterCommit(toPublish(first))).toEqual({ published: true });
      const emailRow = first.find((r) => r.channel === 'email')!;
      const job = await queues.email.getJob(emailRow.id);
      expect(job?.name).toBe('loan_created');
      expect(job?.data).toEqual({ notificationId: emailRow.id });
    } finally {
      await closeDeliveryQueues(queues);
      connection.disconnect();
      await cleanupPrefix(prefix);
    }
    const stored = await tdb.db.select().from(notificationLog).where(eq(notificationLog.loanId, loan.id));
    expect(stored.every((r) => r.status === 'pending')).toBe(true);
  });

  it('reports, without throwing, when Redis is unreachable', async () => {
    const connection = createProducerConnection(UNREACHABLE_REDIS_URL);
    connection.on('error', () => {});
    const queues = createDeliveryQueues({ connection, prefix: uniqueQueuePrefix('down'), onError: () => {} });
    try {
      const publisher = createOutboxPublisher({ queues, logger: pino({ level: 'silent' }), timeoutMs: 500 });
      const result = await publisher.publishAfterCommit([
        { id: '00000000-0000-4000-8000-000000000001', channel: 'email', kind: 'loan_created' },
      ]);
      expect(result).toEqual({ published: false });
    } finally {
      await closeDeliveryQueues(queues).catch(() => {});
      connection.disconnect();
    }
  });

  it('finds the managers of a department and every super admin', async () => {
    const f = fixtures(tdb.db);
    const a = await f.department();
    const b = await f.department();
    const managerA = await f.user(a.id, { role: 'dept_manager' });
    await f.user(b.id, { role: 'dept_manager' });
    await f.user(a.id, { role: 'dept_manager', active: false });
    const admin = await f.user(null, { role: 'super_admin' });
    const ids = (await loadManagers(tdb.db, a.id)).map((m) => m.id);
    expect(ids).toContain(managerA.id);
    expect(ids).toContain(admin.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
  });
});
