import type { DailyReport, Language, NotificationKind, NotificationStatus } from '@rappel/contracts';
import { clients, loans, notificationLog, users } from '@rappel/db';
import { ManualClock } from '@rappel/domain';
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
  type PublishableRow,
  publishRows,
} from '@rappel/queue';
import { createEmailRenderer, type EmailRenderer } from '@rappel/templates';
import {
  cleanupPrefix,
  type Fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
  waitFor,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { buildEmailSender, type EmailSenderApp } from '../src/app';
import { parseEmailSenderConfig } from '../src/config';
import type { EmailTransport } from '../src/transports/email-transport';

/** Fast retries so a retried message settles in well under a second. */
export const fastRetry = { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

/** The worker's "now": Friday 4 December 2026, 12:30 in Libreville (UTC+1). */
export const NOW = new Date('2026-12-04T11:30:00Z');
/** A due date still ahead: Sunday 6 December, 10:00 local. */
export const DUE_AHEAD = new Date('2026-12-06T09:00:00Z');
/** A due date passed 2 h 30 ago: Friday 4 December, 10:00 local. */
export const DUE_PASSED = new Date('2026-12-04T09:00:00Z');
export const RETURNED_AT = new Date('2026-12-04T10:00:00Z');

let sharedRenderer: Promise<EmailRenderer> | undefined;
export const renderer = () => {
  sharedRenderer ??= createEmailRenderer();
  return sharedRenderer;
};

export interface Sender {
  app: EmailSenderApp;
  queues: DeliveryQueues;
  prefix: string;
  close(): Promise<void>;
}

/** A running email-sender on its own queue prefix, with the given transport. */
export async function startSender(
  tdb: TestDatabase,
  transport: EmailTransport,
  captureDir: string | null = null,
  redisUrl = testEnv.redisUrl,
): Promise<Sender> {
  const prefix = uniqueQueuePrefix('email');
  const producer = createProducerConnection(redisUrl);
  const workerConnection = createWorkerConnection(redisUrl);
  producer.on('error', () => {});
  workerConnection.on('error', () => {});
  const config = parseEmailSenderConfig({
    DATABASE_URL: tdb.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LINK_SIGNING_SECRET: 'test-secret-that-is-long-enough-to-sign-links',
    PUBLIC_BASE_URL: 'https://rappel.test',
    MAIL_FROM: '"Rappel" <rappel@hotel.test>',
    EMAIL_CONCURRENCY: '4',
  });
  const app = await buildEmailSender({
    config,
    db: tdb.db,
    sql: tdb.sql,
    producer,
    workerConnection,
    transport,
    renderer: await renderer(),
    captureDir,
    logger: pino({ level: 'silent' }),
    clock: new ManualClock(NOW),
    retryPolicy: fastRetry,
  });
  const queues = createDeliveryQueues({
    connection: producer,
    prefix,
    retryPolicy: fastRetry,
    onError: () => {},
  });
  return {
    app,
    queues,
    prefix,
    async close() {
      await app.close();
      await closeDeliveryQueues(queues);
      producer.disconnect();
      workerConnection.disconnect();
      await cleanupPrefix(prefix);
    },
  };
}

export const sampleReport = (loanId: string): DailyReport => ({
  date: '2026-12-04',
  dueToday: [],
  overdue: [
    {
      loanId,
      itemName: 'Vidéoprojecteur Epson',
      inventoryNumber: 'INV-REPORT',
      borrowerName: 'Claire Martin',
      roomNumber: '214',
      dueAt: DUE_PASSED.toISOString(),
    },
  ],
  yesterdayByStatus: { sent: 3 },
  failuresToReview: [],
});

export interface Case {
  kind: NotificationKind;
  language: Language;
  clientName?: string;
}

/**
 * A scene with a loan in the state `kind` needs and the e-mail row(s) that kind makes (to the
 * borrower, or to the department's manager), inserted as the producers would.
 */
export async function emailRowFor(f: Fixtures, tdb: TestDatabase, c: Case) {
  const scene = await f.scene({ clientLanguage: c.language });
  if (c.clientName) {
    await tdb.db.update(clients).set({ fullName: c.clientName }).where(eq(clients.id, scene.client.id));
  }
  await tdb.db.update(users).set({ language: c.language }).where(eq(users.id, scene.manager.id));
  const late = ['overdue', 'overdue_escalation', 'loan_returned', 'daily_report'].includes(c.kind);
  const { loan } = await f.loanWithPlan({
    departmentId: scene.department.id,
    itemId: scene.item.id,
    responsibleUserId: scene.staff.id,
    clientId: scene.client.id,
    startsAt: new Date('2026-12-01T08:00:00Z'),
    dueAt: late ? DUE_PASSED : DUE_AHEAD,
  });
  if (c.kind === 'loan_returned') {
    await tdb.db.update(loans).set({ returnedAt: RETURNED_AT }).where(eq(loans.id, loan.id));
  }
  const toManagers = c.kind === 'overdue_escalation' || c.kind === 'daily_report';
  const recipients = toManagers
    ? await loadManagers(tdb.db, scene.department.id)
    : [(await loadBorrower(tdb.db, loan.id))!];
  const rows = recipients.flatMap((r) =>
    notificationRowsFor(
      {
        kind: c.kind,
        departmentId: scene.department.id,
        loanId: c.kind === 'daily_report' ? null : loan.id,
        occurrence: c.kind === 'daily_report' ? '2026-12-04' : '1',
        context: c.kind === 'daily_report' ? { ...sampleReport(loan.id) } : null,
      },
      r,
      { recordSkipped: false },
    ),
  );
  const published = toPublish(await insertNotifications(tdb.db, rows)).filter((r) => r.channel === 'email');
  if (published.length !== 1)
    throw new Error(`expected one e-mail row for ${c.kind}, got ${published.length}`);
  return { scene, loan, row: published[0]! };
}

export const rowById = async (tdb: TestDatabase, id: string) =>
  (await tdb.db.select().from(notificationLog).where(eq(notificationLog.id, id)))[0]!;

export const settled = (tdb: TestDatabase, id: string, status: NotificationStatus) =>
  waitFor(
    async () => {
      const row = await rowById(tdb, id);
      return row.status === status && !row.leaseUntil ? row : undefined;
    },
    { message: `row ${id} to become ${status}`, timeoutMs: 15_000 },
  );

export const publish = (sender: Sender, rows: PublishableRow[]) => publishRows(sender.queues, rows);
