import { type Database, notificationLog, pingDatabase, scheduledReminders } from '@rappel/db';
import { DEFAULT_REMINDER_POLICY, ManualClock } from '@rappel/domain';
import { createOutboxPublisher } from '@rappel/outbox';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  type DeliveryQueues,
} from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  type Fixtures,
  fixtures,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { buildApp } from '../src/app';
import { createApiKey } from '../src/auth/api-keys';

/** "Now" in every test: 1 December 2026, 09:00 in Libreville (UTC+1). */
export const NOW = '2026-12-01T08:00:00.000Z';

export interface Harness {
  app: FastifyInstance;
  db: Database;
  clock: ManualClock;
  queues: DeliveryQueues;
  fx: Fixtures;
  /** A global API key. */
  key: string;
  api(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    options?: { key?: string | null; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /**
   * A new scene (`fx.scene(options)`) and a loan of its item to its client, created over the API
   * (201), due 5 December 2026 at 16:00.
   */
  openLoan(options?: { whatsapp?: boolean }): Promise<{
    s: Awaited<ReturnType<Fixtures['scene']>>;
    loan: { id: string; dueAt: string };
  }>;
  logRows(loanId: string): Promise<(typeof notificationLog.$inferSelect)[]>;
  planRows(loanId: string): Promise<(typeof scheduledReminders.$inferSelect)[]>;
  close(): Promise<void>;
}

/**
 * The service over its own database and BullMQ prefix, with a clock the test moves.
 * `redisUrl: UNREACHABLE_REDIS_URL` gives a producer whose Redis is down.
 */
export async function startHarness(options: { redisUrl?: string } = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const prefix = uniqueQueuePrefix('attr');
  const redis = createProducerConnection(options.redisUrl ?? testEnv.redisUrl);
  redis.on('error', () => {});
  const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
  queues.email.on('error', () => {});
  queues.whatsapp.on('error', () => {});
  const clock = new ManualClock(NOW);
  const app = await buildApp({
    db: database.db,
    publisher: createOutboxPublisher({ queues, logger: pino({ level: 'silent' }), timeoutMs: 500 }),
    clock,
    policy: DEFAULT_REMINDER_POLICY,
    logger: process.env.TEST_LOG ? { level: 'error' } : false,
    pingPostgres: () => pingDatabase(database.sql),
    pingRedis: async () => {
      await redis.ping();
    },
  });
  const { key } = await createApiKey(database.db, { name: 'desk-system', departmentId: null });
  const fx = fixtures(database.db);
  const api: Harness['api'] = (method, url, body, opts = {}) => {
    const auth = opts.key === null ? {} : { authorization: `Bearer ${opts.key ?? key}` };
    return app.inject({
      method,
      url,
      headers: { ...auth, ...opts.headers },
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    });
  };
  return {
    app,
    db: database.db,
    clock,
    queues,
    fx,
    key,
    api,
    async openLoan(options = {}) {
      const s = await fx.scene(options);
      const res = await api('POST', '/v1/loans', {
        itemId: s.item.id,
        clientId: s.client.id,
        responsibleUserId: s.staff.id,
        dueDate: '2026-12-05',
        dueTime: '16:00',
      });
      expect(res.statusCode).toBe(201);
      return { s, loan: res.json().loan };
    },
    logRows: (loanId) =>
      database.db
        .select()
        .from(notificationLog)
        .where(eq(notificationLog.loanId, loanId))
        .orderBy(asc(notificationLog.createdAt), asc(notificationLog.channel)),
    planRows: (loanId) =>
      database.db
        .select()
        .from(scheduledReminders)
        .where(eq(scheduledReminders.loanId, loanId))
        .orderBy(asc(scheduledReminders.loanVersion), asc(scheduledReminders.fireAt)),
    async close() {
      await app.close();
      await closeDeliveryQueues(queues);
      redis.disconnect();
      if (!options.redisUrl) await cleanupPrefix(prefix);
      await database.drop();
    },
  };
}
