import type { NotificationKind } from '@rappel/contracts';
import { createDbClient, type DbClient, notificationLog, scheduledReminders } from '@rappel/db';
import { DEFAULT_REMINDER_POLICY, ManualClock, type ReminderPolicy } from '@rappel/domain';
import { createOutboxPublisher, type OutboxPublisher } from '@rappel/outbox';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  type DeliveryQueues,
  waitUntilReady,
} from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  type Fixtures,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { asc, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { type FireDueRemindersDeps, fireDueReminders } from '../src/jobs/fire-due-reminders';

export const silentLogger = pino({ level: 'silent' });

/** One isolated world per test: its own database, BullMQ prefix and moved clock. */
export interface Harness {
  tdb: TestDatabase;
  f: Fixtures;
  clock: ManualClock;
  prefix: string;
  connection: Redis;
  queues: DeliveryQueues;
  publisher: OutboxPublisher;
  fire(overrides?: Partial<FireDueRemindersDeps>): ReturnType<typeof fireDueReminders>;
  rowsOf(loanId: string): Promise<(typeof notificationLog.$inferSelect)[]>;
  remindersOf(loanId: string): Promise<(typeof scheduledReminders.$inferSelect)[]>;
  /** The ids, sorted, of the e-mail jobs named `kind` on the queue (waiting, delayed, active or done). */
  emailJobIds(kind: NotificationKind): Promise<string[]>;
  /** A second database client, for concurrency tests. */
  extraClient(): DbClient;
  close(): Promise<void>;
}

export async function createHarness(start: string): Promise<Harness> {
  const tdb = await createTestDatabase();
  const prefix = uniqueQueuePrefix('sched');
  const connection = createProducerConnection(testEnv.redisUrl);
  await waitUntilReady(connection);
  const queues = createDeliveryQueues({ connection, prefix, onError: () => {} });
  const publisher = createOutboxPublisher({ queues, logger: silentLogger });
  const clock = new ManualClock(start);
  const extra: DbClient[] = [];
  return {
    tdb,
    f: fixtures(tdb.db),
    clock,
    prefix,
    connection,
    queues,
    publisher,
    fire: (overrides = {}) =>
      fireDueReminders({
        db: tdb.db,
        publisher,
        clock,
        logger: silentLogger,
        batchSize: 500,
        maxLatenessMinutes: 360,
        ...overrides,
      }),
    rowsOf: (loanId) =>
      tdb.db
        .select()
        .from(notificationLog)
        .where(eq(notificationLog.loanId, loanId))
        .orderBy(asc(notificationLog.scheduledAt), asc(notificationLog.kind), asc(notificationLog.channel)),
    remindersOf: (loanId) =>
      tdb.db
        .select()
        .from(scheduledReminders)
        .where(eq(scheduledReminders.loanId, loanId))
        .orderBy(asc(scheduledReminders.fireAt)),
    async emailJobIds(kind) {
      const jobs = await queues.email.getJobs(['wait', 'delayed', 'active', 'completed']);
      return jobs
        .filter((j) => j.name === kind)
        .map((j) => j.id!)
        .sort();
    },
    extraClient() {
      const c = createDbClient(tdb.url, { max: 3 });
      extra.push(c);
      return c;
    },
    async close() {
      await Promise.all(extra.map((c) => c.close()));
      await closeDeliveryQueues(queues);
      connection.disconnect();
      await cleanupPrefix(prefix);
      await tdb.drop();
    },
  };
}

/** A policy in another zone (DST tests). */
export const policyIn = (zone: string): ReminderPolicy => ({ ...DEFAULT_REMINDER_POLICY, zone });

/** The usual scene and a loan with its plan, borrower = the scene's client. */
export async function sceneWithLoan(
  h: Harness,
  loan: { startsAt: string; dueAt: string; now?: string; policy?: ReminderPolicy },
  options: { whatsapp?: boolean } = {},
) {
  const scene = await h.f.scene(options);
  const { loan: row, reminders } = await h.f.loanWithPlan({
    departmentId: scene.department.id,
    itemId: scene.item.id,
    responsibleUserId: scene.staff.id,
    clientId: scene.client.id,
    startsAt: new Date(loan.startsAt),
    dueAt: new Date(loan.dueAt),
    ...(loan.now ? { now: new Date(loan.now) } : {}),
    ...(loan.policy ? { policy: loan.policy } : {}),
  });
  return { ...scene, loan: row, reminders };
}
