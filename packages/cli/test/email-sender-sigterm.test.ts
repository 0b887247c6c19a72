import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { notificationLog } from '@rappel/db';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  publishRows,
} from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
  waitFor,
} from '@rappel/testing';
import { inArray } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 6, item 5: SIGTERM to an email-sender process while it is sending lets the messages in
 * flight finish, leaves the rest in the queue, and a restarted worker sends each exactly once.
 * The SMTP server holds every DATA for SMTP_DELAY_MS so jobs are surely in flight at SIGTERM.
 */
const SERVICE_DIR = fileURLToPath(new URL('../../../services/email-sender/', import.meta.url));
const SMTP_DELAY_MS = 1_500;
const MESSAGES = 8;

let database: TestDatabase;
let prefix: string;
let redis: Redis;
let smtp: SMTPServer;
let smtpPort: number;
let dataStarted = 0;
/** Message-IDs of every message the SMTP server accepted, duplicates included. */
const accepted: string[] = [];
const children: ChildProcess[] = [];
let rowIds: string[] = [];

function startEmailSender(): { child: ChildProcess; log: () => string } {
  let log = '';
  // The build the vitest globalSetup made, as production runs it.
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: SERVICE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testEnv.redisUrl,
      QUEUE_PREFIX: prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      EMAIL_CONCURRENCY: '3',
      LINK_SIGNING_SECRET: 'a-test-secret-of-at-least-32-characters!',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_SECONDS: '25',
    },
  });
  child.stdout!.on('data', (c) => {
    log += c;
  });
  child.stderr!.on('data', (c) => {
    log += c;
  });
  children.push(child);
  return { child, log: () => log };
}

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

beforeAll(async () => {
  database = await createTestDatabase();
  prefix = uniqueQueuePrefix('sigterm');
  redis = createProducerConnection(testEnv.redisUrl);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      dataStarted += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        setTimeout(() => {
          const id = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? 'none';
          accepted.push(id);
          callback();
        }, SMTP_DELAY_MS);
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  const f = fixtures(database.db);
  const scene = await f.scene();
  const now = new Date();
  const { loan } = await f.loanWithPlan({
    departmentId: scene.department.id,
    itemId: scene.item.id,
    responsibleUserId: scene.staff.id,
    clientId: scene.client.id,
    startsAt: now,
    dueAt: new Date(now.getTime() + 3 * 24 * 3600_000),
  });
  const rows = await database.db
    .insert(notificationLog)
    .values(
      Array.from({ length: MESSAGES }, (_, n) => ({
        idempotencyKey: `sigterm-${randomUUID()}`,
        loanId: loan.id,
        departmentId: scene.department.id,
        kind: 'loan_created' as const,
        channel: 'email' as const,
        recipientType: 'client' as const,
        recipientId: scene.client.id,
        recipientAddress: scene.client.email,
        occurrence: String(n + 1),
      })),
    )
    .returning({ id: notificationLog.id, channel: notificationLog.channel, kind: notificationLog.kind });
  rowIds = rows.map((r) => r.id);
  const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
  await publishRows(queues, rows);
  await closeDeliveryQueues(queues);
}, 60_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  redis.disconnect();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await cleanupPrefix(prefix);
  await database.drop();
}, 60_000);

const statuses = async () =>
  database.db
    .select({ id: notificationLog.id, status: notificationLog.status })
    .from(notificationLog)
    .where(inArray(notificationLog.id, rowIds));

describe('email-sender on SIGTERM with jobs in flight', () => {
  it('finishes the sends in flight, exits cleanly, and a restart sends the rest exactly once', async () => {
    const first = startEmailSender();
    await waitFor(() => dataStarted >= 1, {
      timeoutMs: 60_000,
      intervalMs: 20,
      message: 'a message in flight',
    });
    first.child.kill('SIGTERM');
    const exit = await exitOf(first.child);
    expect(exit, first.log()).toEqual({ code: 0, signal: null });

    // Nothing the first worker started was cut off: every message whose DATA began was accepted.
    expect(accepted.length).toBe(dataStarted);
    const afterStop = await statuses();
    const sent = afterStop.filter((r) => r.status === 'sent');
    expect(sent.length).toBe(accepted.length);
    expect(sent.length).toBeLessThan(MESSAGES);

    // Nothing is stuck active: the rest waits in the queue for the next worker.
    const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
    try {
      const counts = await queues.email.getJobCounts(
        'active',
        'waiting',
        'delayed',
        'prioritized',
        'completed',
      );
      expect(counts.active).toBe(0);
      expect((counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0)).toBe(
        MESSAGES - sent.length,
      );
    } finally {
      await closeDeliveryQueues(queues);
    }

    const second = startEmailSender();
    await waitFor(async () => (await statuses()).every((r) => r.status === 'sent'), {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'every message sent after the restart',
    });
    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toEqual({ code: 0, signal: null });

    expect(accepted).toHaveLength(MESSAGES);
    expect(new Set(accepted).size).toBe(MESSAGES);
  }, 120_000);
});
