import { randomInt } from 'node:crypto';
import type { Language, NotificationKind } from '@rappel/contracts';
import { notificationPreferences } from '@rappel/db';
import {
  type InsertedNotification,
  insertNotifications,
  loadBorrower,
  notificationRowsFor,
} from '@rappel/outbox';
import { createProducerConnection, createWorkerConnection, type RetryPolicy } from '@rappel/queue';
import {
  cleanupPrefix,
  createTestDatabase,
  type Fixtures,
  fixtures,
  type TestDatabase,
  type TwilioContractServer,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  buildWhatsAppService,
  closeWhatsAppService,
  type WhatsAppService,
  type WhatsAppServiceDeps,
} from '../src/app';
import { loadWhatsAppSenderConfig, type WhatsAppSenderConfig } from '../src/config';

export interface WhatsAppHarness {
  tdb: TestDatabase;
  f: Fixtures;
  prefix: string;
  producer: Redis;
  service: WhatsAppService;
  close(): Promise<void>;
}

/** Where the service under test says Twilio should post status callbacks, and its sender. */
export const STATUS_URL = 'https://rappel.example/twilio/status';
export const WHATSAPP_FROM = 'whatsapp:+14155238886';

/** The settings that point the service at a Twilio contract server. */
export const twilioEnv = (twilio: TwilioContractServer): Record<string, string> => ({
  TWILIO_ACCOUNT_SID: twilio.accountSid,
  TWILIO_AUTH_TOKEN: twilio.authToken,
  TWILIO_WHATSAPP_FROM: WHATSAPP_FROM,
  TWILIO_API_BASE_URL: twilio.url,
  TWILIO_STATUS_CALLBACK_URL: STATUS_URL,
});

/** What a test may change in how the service is built, given the config it was built from. */
export type HarnessOverrides = (
  config: WhatsAppSenderConfig,
) => Partial<Pick<WhatsAppServiceDeps, 'sender' | 'heldCallbackSweepMs'>>;

/**
 * whatsapp-sender built in the test process against its own database and BullMQ prefix on the
 * real Postgres and Redis. `env` adds to the settings every test needs (Twilio or console);
 * its `REDIS_URL` (`UNREACHABLE_REDIS_URL`: Redis down) replaces the shared Redis's.
 */
export async function startWhatsAppHarness(
  label: string,
  env: Record<string, string>,
  retryPolicy?: RetryPolicy,
  overrides?: HarnessOverrides,
): Promise<WhatsAppHarness> {
  const tdb = await createTestDatabase();
  const prefix = uniqueQueuePrefix(label);
  const config = loadWhatsAppSenderConfig({
    DATABASE_URL: 'postgres://unused/unused',
    REDIS_URL: testEnv.redisUrl,
    LINK_SIGNING_SECRET: 's'.repeat(32),
    QUEUE_PREFIX: prefix,
    PUBLIC_BASE_URL: 'https://rappel.example',
    ...env,
  });
  const producer = createProducerConnection(config.REDIS_URL);
  const workerConnection = createWorkerConnection(config.REDIS_URL);
  // As main.ts, which logs them: a Redis that is down is a connection error per retry.
  for (const connection of [producer, workerConnection]) connection.on('error', () => {});
  const service = await buildWhatsAppService({
    config,
    db: tdb.db,
    producer,
    workerConnection,
    logger: pino({ level: 'silent' }),
    ...(retryPolicy ? { retryPolicy } : {}),
    ...overrides?.(config),
  });
  return {
    tdb,
    f: fixtures(tdb.db),
    prefix,
    producer,
    service,
    async close() {
      await closeWhatsAppService(service);
      producer.disconnect();
      workerConnection.disconnect();
      await cleanupPrefix(prefix);
      await tdb.drop();
    },
  };
}

/**
 * A borrower with WhatsApp on, at a number no other test of the file uses (`numberPrefix` +
 * 4 random digits), with an open long loan and the rows its cause makes for `kind`: the pending
 * WhatsApp row (`row`) and, as in production when e-mail is on, the pending e-mail row beside
 * it (`email`). `email`: `on` (default); `off`, so no e-mail row; `switched on since`, off
 * when the rows were made (no e-mail row) and on now.
 */
export async function whatsappRow(
  h: Pick<WhatsAppHarness, 'tdb' | 'f'>,
  {
    kind = 'loan_created',
    language = 'fr',
    numberPrefix = '+2410612',
    email = 'on',
  }: {
    kind?: NotificationKind;
    language?: Language;
    numberPrefix?: string;
    email?: 'on' | 'off' | 'switched on since';
  } = {},
): Promise<{
  row: InsertedNotification;
  email: InsertedNotification | null;
  phone: string;
  client: Awaited<ReturnType<Fixtures['client']>>;
  item: Awaited<ReturnType<Fixtures['item']>>;
  loan: Awaited<ReturnType<Fixtures['loanWithPlan']>>['loan'];
}> {
  const { tdb, f } = h;
  const phone = `${numberPrefix}${String(randomInt(10_000)).padStart(4, '0')}`;
  const department = await f.department();
  const staff = await f.user(department.id);
  const client = await f.client(department.id, { phone, language, fullName: 'Claire Martin' });
  await f.preferences(
    { clientId: client.id },
    {
      whatsappEnabled: true,
      whatsappNumber: phone,
      whatsappConsentSource: 'desk',
      whatsappConsentAt: new Date(),
      emailEnabled: email === 'on',
    },
  );
  const item = await f.item(department.id);
  const { loan } = await f.loanWithPlan({
    departmentId: department.id,
    itemId: item.id,
    responsibleUserId: staff.id,
    clientId: client.id,
    startsAt: new Date(Date.now() - 3_600_000),
    dueAt: new Date(Date.now() + 3 * 86_400_000),
  });
  const rows = notificationRowsFor(
    { kind, departmentId: department.id, loanId: loan.id, occurrence: '1' },
    (await loadBorrower(tdb.db, loan.id))!,
    { recordSkipped: false },
  );
  const made = await insertNotifications(tdb.db, rows);
  if (email === 'switched on since')
    await tdb.db
      .update(notificationPreferences)
      .set({ emailEnabled: true })
      .where(eq(notificationPreferences.clientId, client.id));
  const row = made.find((r) => r.channel === 'whatsapp')!;
  return { row, email: made.find((r) => r.channel === 'email') ?? null, phone, client, item, loan };
}
