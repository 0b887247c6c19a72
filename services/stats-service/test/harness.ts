import { randomUUID } from 'node:crypto';
import type { Channel, NotificationKind, NotificationStatus, SkipReason } from '@rappel/contracts';
import { idempotencyKey } from '@rappel/contracts';
import { notificationLog } from '@rappel/db';
import { createLogger, createMetricsRegistry } from '@rappel/observability';
import { closeDeliveryQueues, createDeliveryQueues, createProducerConnection } from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app';
import { hashPassword } from '../src/auth/passwords';
import { loadStatsConfig } from '../src/config';
import { createSchedulerQueue } from '../src/scheduler-queue';

export const PASSWORD = 'correct horse battery staple';
export const LINK_SECRET = 'test-link-signing-secret-0123456789abcdef';

/**
 * A stats-service over its own database and queue prefix, with two departments and every role.
 * `overrides.REDIS_URL` (e.g. UNREACHABLE_REDIS_URL) gives it a Redis other than the shared one.
 */
export async function startHarness(label: string, overrides: Record<string, string> = {}) {
  const database: TestDatabase = await createTestDatabase();
  const prefix = uniqueQueuePrefix(label);
  const redisUrl = overrides.REDIS_URL ?? testEnv.redisUrl;
  const redis = createProducerConnection(redisUrl);
  redis.on('error', () => {});
  const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
  const schedulerQueue = createSchedulerQueue(redis, prefix, () => {});
  const config = loadStatsConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LINK_SIGNING_SECRET: LINK_SECRET,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef0123',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3004',
    LOG_LEVEL: 'silent',
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000',
    ...overrides,
  });
  const app = await buildApp({
    config,
    db: database.db,
    sql: database.sql,
    queues,
    schedulerQueue,
    registry: createMetricsRegistry('stats-service'),
    pingPostgres: async () => void (await database.sql`select 1`),
    pingRedis: async () => void (await redis.ping()),
    ...(process.env.STATS_TEST_LOG ? { logger: createLogger('stats-service', 'error') } : {}),
  });
  const f = fixtures(database.db);
  const passwordHash = await hashPassword(PASSWORD);
  const a = await f.scene();
  const b = await f.scene();
  const superAdmin = await f.user(null, { role: 'super_admin', fullName: 'Sandra Admin', passwordHash });
  const { department: deptA, client: clientA, item: itemA } = a;
  const { department: deptB, client: clientB } = b;
  const { db } = database;
  const { users } = await import('@rappel/db');
  const { eq } = await import('drizzle-orm');
  for (const u of [a.manager, b.manager, a.staff])
    await db.update(users).set({ passwordHash }).where(eq(users.id, u.id));

  return {
    app,
    database,
    queues,
    schedulerQueue,
    config,
    f,
    deptA,
    deptB,
    clientA,
    clientB,
    itemA,
    users: { superAdmin, managerA: a.manager, managerB: b.manager, userA: a.staff },
    async close() {
      await app.close();
      await closeDeliveryQueues(queues);
      await schedulerQueue.close();
      redis.disconnect();
      if (redisUrl === testEnv.redisUrl) await cleanupPrefix(prefix);
      await database.drop();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Inserts one log row as a sender would have left it. */
export async function logRow(
  h: Harness,
  values: {
    departmentId: string;
    status: NotificationStatus;
    channel?: Channel;
    kind?: NotificationKind;
    recipientId?: string;
    recipientAddress?: string;
    loanId?: string | null;
    errorCode?: string | null;
    skipReason?: SkipReason | null;
    createdAt?: Date;
    sentAt?: Date | null;
    deliveredAt?: Date | null;
    attempts?: number;
  },
) {
  const channel = values.channel ?? 'email';
  const kind = values.kind ?? 'loan_created';
  const recipientId = values.recipientId ?? h.clientA.id;
  const [row] = await h.database.db
    .insert(notificationLog)
    .values({
      idempotencyKey: idempotencyKey({
        subjectId: values.loanId ?? randomUUID(),
        kind,
        channel,
        recipientType: 'client',
        recipientId,
        occurrence: randomUUID(),
      }),
      departmentId: values.departmentId,
      loanId: values.loanId ?? null,
      kind,
      channel,
      recipientType: 'client',
      recipientId,
      recipientAddress: values.recipientAddress ?? 'claire@example.test',
      status: values.status,
      skipReason: values.skipReason ?? null,
      errorCode: values.errorCode ?? null,
      errorMessage: values.errorCode ? `provider said ${values.errorCode}` : null,
      attempts: values.attempts ?? 1,
      createdAt: values.createdAt ?? new Date(),
      sentAt: values.sentAt ?? null,
      deliveredAt: values.deliveredAt ?? null,
    })
    .returning();
  return row!;
}

/** Cookie jar for inject: keeps what Set-Cookie says, sends it back. */
export class Session {
  private jar = new Map<string, string>();
  csrf = '';
  constructor(private app: FastifyInstance) {}

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { cookie: this.cookie, ...options.headers };
    let payload: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.json);
    }
    return this.keep(await this.app.inject({ method, url, headers, payload }));
  }

  /** Fetches a page and returns the CSRF token of its first form. */
  async formToken(url: string): Promise<string> {
    const res = await this.request('GET', url);
    const match = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!match) throw new Error(`no CSRF token on ${url} (${res.statusCode})`);
    return match[1]!;
  }

  async signIn(email: string, password = PASSWORD) {
    const token = await this.formToken('/sign-in');
    const res = await this.request('POST', '/sign-in', { form: { _csrf: token, email, password } });
    if (res.statusCode === 303) {
      const session = await this.request('GET', '/v1/session');
      this.csrf = session.json().csrfToken;
    }
    return res;
  }

  post(url: string, json: unknown = {}) {
    return this.request('POST', url, { json, headers: { 'x-csrf-token': this.csrf } });
  }
}
