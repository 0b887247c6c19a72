import { createHash } from 'node:crypto';
import { authenticate } from '@rappel/attribution-service/src/auth/api-keys';
import {
  apiKeys,
  clients,
  departments,
  loans,
  notificationEvents,
  notificationLog,
  notificationPreferences,
  scheduledReminders,
  users,
} from '@rappel/db';
import { closeDeliveryQueues, createDeliveryQueues, createProducerConnection } from '@rappel/queue';
import { verifyPassword } from '@rappel/stats-service/src/auth/passwords';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli';
import { DEMO_PASSWORD } from '../src/commands/seed-demo';

let database: TestDatabase;
let prefix: string;
let redis: Redis;
const NOW = new Date('2025-03-14T09:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  prefix = uniqueQueuePrefix('cli');
  redis = createProducerConnection(testEnv.redisUrl);
});

afterAll(async () => {
  redis.disconnect();
  await cleanupPrefix(prefix);
  await database.drop();
});

/** Runs `pnpm rappel <args>` in-process against the test database and queue prefix. */
async function rappel(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    { DATABASE_URL: database.url, REDIS_URL: testEnv.redisUrl, QUEUE_PREFIX: prefix },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    () => NOW,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('seed-demo', () => {
  it('creates two departments, people who can sign in, clients in both languages and loans due within minutes', async () => {
    const result = await rappel('seed-demo');
    expect(result.code).toBe(0);
    expect(result.out).toContain(DEMO_PASSWORD);
    const { db } = database;

    const depts = await db
      .select()
      .from(departments)
      .where(inArray(departments.name, ['Réception (démo)', 'Événements (démo)']));
    expect(depts).toHaveLength(2);

    const people = await db
      .select()
      .from(users)
      .where(
        inArray(
          users.departmentId,
          depts.map((d) => d.id),
        ),
      );
    expect(new Set(people.map((p) => p.role))).toEqual(new Set(['dept_manager', 'dept_user']));
    const [admin] = await db.select().from(users).where(eq(users.email, 'direction@demo.rappel.example'));
    expect(admin?.role).toBe('super_admin');
    expect(await verifyPassword(admin!.passwordHash, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(admin!.passwordHash, 'wrong-password')).toBe(false);

    const demoClients = await db
      .select()
      .from(clients)
      .where(
        inArray(
          clients.departmentId,
          depts.map((d) => d.id),
        ),
      );
    expect(new Set(demoClients.map((c) => c.language))).toEqual(new Set(['fr', 'en']));
    const prefs = await db
      .select()
      .from(notificationPreferences)
      .where(
        inArray(
          notificationPreferences.clientId,
          demoClients.map((c) => c.id),
        ),
      );
    const withWhatsApp = prefs.filter((p) => p.whatsappEnabled && p.whatsappConsentAt && p.whatsappNumber);
    expect(withWhatsApp.length).toBeGreaterThanOrEqual(2);

    const soon = await db.select().from(scheduledReminders).where(eq(scheduledReminders.state, 'scheduled'));
    const withinTenMinutes = soon.filter(
      (r) => r.fireAt.getTime() > NOW.getTime() && r.fireAt.getTime() <= NOW.getTime() + 10 * 60_000,
    );
    expect(new Set(withinTenMinutes.map((r) => r.kind))).toEqual(new Set(['reminder_2h', 'overdue']));
    expect(withinTenMinutes.length).toBeGreaterThanOrEqual(3);
  });

  it('run again, keeps the people and renews the loans', async () => {
    const result = await rappel('seed-demo');
    expect(result.code).toBe(0);
    expect(result.out).toContain('loans renewed');
    const { db } = database;
    const open = await db
      .select()
      .from(loans)
      .where(and(isNull(loans.returnedAt), isNull(loans.cancelledAt)));
    const all = await db.select().from(loans);
    expect(open).toHaveLength(5);
    expect(all).toHaveLength(10);
    const admins = await db.select().from(users).where(eq(users.email, 'direction@demo.rappel.example'));
    expect(admins).toHaveLength(1);
  });
});

describe('create-user', () => {
  it('stores an argon2id hash that stats-service accepts', async () => {
    const result = await rappel(
      'create-user',
      '--email',
      'nadia@hotel.test',
      '--name',
      'Nadia Ella',
      '--role',
      'dept_manager',
      '--department',
      'Réception (démo)',
      '--password',
      'correct horse battery',
    );
    expect(result.code).toBe(0);
    const [user] = await database.db.select().from(users).where(eq(users.email, 'nadia@hotel.test'));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash, 'correct horse battery')).toBe(true);
  });

  it('generates a password when none is given and prints it once', async () => {
    const result = await rappel(
      'create-user',
      '--email',
      'root@hotel.test',
      '--name',
      'Root',
      '--role',
      'super_admin',
    );
    const password = /Password \(shown once\): (\S+)/.exec(result.out)?.[1];
    expect(password).toBeDefined();
    const [user] = await database.db.select().from(users).where(eq(users.email, 'root@hotel.test'));
    expect(await verifyPassword(user!.passwordHash, password!)).toBe(true);
  });

  it('refuses a manager without a department, and an unknown department', async () => {
    await expect(
      rappel('create-user', '--email', 'x@hotel.test', '--name', 'X', '--role', 'dept_user'),
    ).rejects.toThrow(/department is required/);
    await expect(
      rappel(
        'create-user',
        '--email',
        'y@hotel.test',
        '--name',
        'Y',
        '--role',
        'dept_user',
        '--department',
        'Nowhere',
      ),
    ).rejects.toThrow(/No department named/);
  });
});

describe('create-api-key', () => {
  it('prints a key once that attribution-service authenticates; only its hash is stored', async () => {
    const result = await rappel('create-api-key', '--name', 'PMS bridge', '--department', 'Réception (démo)');
    expect(result.code).toBe(0);
    const key = result.out.split('\n').find((l) => l.startsWith('rpl_'))!;
    expect(key).toMatch(/^rpl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.name, 'PMS bridge'));
    expect(row?.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    const caller = await authenticate(database.db, `Bearer ${key}`, NOW);
    expect(caller?.departmentId).toBe(row!.departmentId);
    expect(row!.departmentId).not.toBeNull();
  });
});

describe('retry-failed and purge', () => {
  let ids: { emailFailed: string; whatsappFailed: string; sent: string; oldSent: string; oldPending: string };

  beforeAll(async () => {
    const f = fixtures(database.db);
    const { department, client } = await f.scene();
    const row = (values: Partial<typeof notificationLog.$inferInsert>) => ({
      idempotencyKey: `k-${Math.random()}`,
      departmentId: department.id,
      kind: 'loan_created' as const,
      channel: 'email' as const,
      recipientType: 'client' as const,
      recipientId: client.id,
      recipientAddress: client.email,
      ...values,
    });
    const longAgo = new Date(NOW.getTime() - 120 * 24 * 3600_000);
    const inserted = await database.db
      .insert(notificationLog)
      .values([
        row({ status: 'permanent_failure', errorCode: '535', attempts: 5 }),
        row({
          status: 'permanent_failure',
          channel: 'whatsapp',
          errorCode: '63016',
          recipientAddress: client.phone,
        }),
        row({ status: 'sent' }),
        row({ status: 'sent', createdAt: longAgo }),
        row({ status: 'pending', createdAt: longAgo }),
      ])
      .returning({ id: notificationLog.id });
    const [emailFailed, whatsappFailed, sent, oldSent, oldPending] = inserted.map((r) => r.id);
    ids = {
      emailFailed: emailFailed!,
      whatsappFailed: whatsappFailed!,
      sent: sent!,
      oldSent: oldSent!,
      oldPending: oldPending!,
    };
  });

  const statusOf = async (id: string) =>
    (
      await database.db
        .select({ status: notificationLog.status })
        .from(notificationLog)
        .where(eq(notificationLog.id, id))
    )[0]?.status;

  it('--dry-run lists the matching messages and changes nothing', async () => {
    const result = await rappel('retry-failed', '--channel', 'email', '--dry-run');
    expect(result.out).toContain(ids.emailFailed);
    expect(result.out).not.toContain(ids.whatsappFailed);
    expect(await statusOf(ids.emailFailed)).toBe('permanent_failure');
  });

  it('sets only the filtered rows back to pending and queues a job for each', async () => {
    const result = await rappel('retry-failed', '--channel', 'email', '--error-code', '535');
    expect(result.out).toContain('1 message(s) set back to pending, 1 queued now');
    expect(await statusOf(ids.emailFailed)).toBe('pending');
    expect(await statusOf(ids.whatsappFailed)).toBe('permanent_failure');
    expect(await statusOf(ids.sent)).toBe('sent');

    const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
    try {
      const job = await queues.email.getJob(ids.emailFailed);
      expect(job?.data).toEqual({ notificationId: ids.emailFailed });
      expect(await queues.whatsapp.getJob(ids.whatsappFailed)).toBeUndefined();
    } finally {
      await closeDeliveryQueues(queues);
    }
    const events = await database.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, ids.emailFailed));
    expect(events.map((e) => [e.type, e.actor])).toEqual([['replayed', 'cli']]);
  });

  it('rejects a filter value that does not exist', async () => {
    await expect(rappel('retry-failed', '--channel', 'sms')).rejects.toThrow(/--channel must be one of/);
  });

  it('purge deletes finished rows past retention and keeps rows still owed a delivery', async () => {
    const result = await rappel('purge');
    expect(result.out).toMatch(/Purged 1 finished message/);
    expect(await statusOf(ids.oldSent)).toBeUndefined();
    expect(await statusOf(ids.oldPending)).toBe('pending');
    expect(await statusOf(ids.sent)).toBe('sent');
  });
});
