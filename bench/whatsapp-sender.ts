/**
 * whatsapp-sender throughput and text render cost.
 *
 *   pnpm tsx bench/whatsapp-sender.ts           # 2 000 messages per run, three runs
 *   pnpm tsx bench/whatsapp-sender.ts --smoke   # 50 messages, one run: checks the script runs
 *
 * 1. Render cost per message of the WhatsApp text and the Content variables of every kind.
 * 2. Messages per second: the real worker (claim, load context, render, send with the real
 *    `twilio` SDK, record) on its own queue prefix and database, against the Twilio contract
 *    server of @rappel/testing (loopback HTTP, so the figure is our overhead, not Twilio's),
 *    at two concurrencies without a binding rate limit, then at the default limit of 80/s.
 *
 * Needs the test Postgres and Redis (TEST_DATABASE_URL / TEST_REDIS_URL, see packages/testing).
 * Everything it makes is dropped at the end. Results go to stdout; not run by the tests.
 */
import { performance } from 'node:perf_hooks';
import { LANGUAGES, NOTIFICATION_KINDS, type NotificationKind } from '../packages/contracts/src/index';
import { createLogger } from '../packages/observability/src/index';
import {
  createProducerConnection,
  createWorkerConnection,
  publishRows,
  waitUntilReady,
} from '../packages/queue/src/index';
import { contentVariables, type MessageContext, renderWhatsAppText } from '../packages/templates/src/index';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  startTwilioContractServer,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '../packages/testing/src/index';
import { buildWhatsAppService, closeWhatsAppService } from '../services/whatsapp-sender/src/app';
import { loadWhatsAppSenderConfig } from '../services/whatsapp-sender/src/config';

const smoke = process.argv.includes('--smoke');
const MESSAGES = smoke ? 50 : 2_000;
const RUNS = smoke
  ? [{ concurrency: 10, ratePerSecond: 10_000 }]
  : [
      { concurrency: 10, ratePerSecond: 10_000 },
      { concurrency: 25, ratePerSecond: 10_000 },
      { concurrency: 25, ratePerSecond: 80 },
    ];
const RENDER_ROUNDS = smoke ? 20 : 5_000;
const logger = createLogger('bench-whatsapp-sender', 'silent');

const table = (head: string[], rows: string[][]) => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
};

function sampleContext(kind: NotificationKind, language: 'fr' | 'en'): MessageContext {
  const dueAt = new Date('2026-12-04T09:00:00Z');
  return {
    kind,
    channel: 'whatsapp',
    language,
    zone: 'Africa/Libreville',
    now: new Date('2026-12-04T11:30:00Z'),
    recipient: { name: 'Claire Martin', address: '+24106123456' },
    department: { name: 'Réception', deskLocation: 'Comptoir du hall' },
    loan: {
      id: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      startsAt: new Date('2026-12-01T08:00:00Z'),
      dueAt,
      returnedAt: kind === 'loan_returned' ? new Date('2026-12-04T10:00:00Z') : null,
      durationClass: 'long',
      notes: null,
    },
    item: { name: 'Vidéoprojecteur Epson', inventoryNumber: 'INV-042' },
    borrower: { name: 'Claire Martin', roomNumber: '214', kind: 'client' },
    extra:
      kind === 'daily_report'
        ? {
            date: '2026-12-04',
            dueToday: [],
            overdue: Array.from({ length: 10 }, (_, i) => ({
              loanId: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
              itemName: `Micro HF ${i}`,
              inventoryNumber: `INV-${i}`,
              borrowerName: 'Claire Martin',
              roomNumber: '214',
              dueAt: dueAt.toISOString(),
            })),
            yesterdayByStatus: { sent: 40, skipped: 3 },
            failuresToReview: [],
          }
        : {},
    links: { preferences: 'https://rappel.test/p/abc', unsubscribe: 'https://rappel.test/u/def' },
  };
}

function renderCost() {
  const contexts = NOTIFICATION_KINDS.flatMap((kind) =>
    LANGUAGES.map((language) => sampleContext(kind, language)),
  );
  let t = performance.now();
  for (let round = 0; round < RENDER_ROUNDS; round++) for (const ctx of contexts) renderWhatsAppText(ctx);
  const text = (performance.now() - t) / (RENDER_ROUNDS * contexts.length);
  t = performance.now();
  for (let round = 0; round < RENDER_ROUNDS; round++) for (const ctx of contexts) contentVariables(ctx);
  const vars = (performance.now() - t) / (RENDER_ROUNDS * contexts.length);
  console.log(`\nWhatsApp render cost per message (${contexts.length} kind × language pairs, mean)`);
  table(
    ['what', 'per message', 'messages/s (one core)'],
    [
      ['free-form text', `${(text * 1000).toFixed(1)} µs`, (1000 / text).toFixed(0)],
      ['Content variables', `${(vars * 1000).toFixed(1)} µs`, (1000 / vars).toFixed(0)],
    ],
  );
}

/** N loans of one WhatsApp-enabled client and one pending loan_created WhatsApp row each. */
async function seed(tdb: TestDatabase, n: number, tag: string): Promise<string[]> {
  const scene = await fixtures(tdb.db).scene({ whatsapp: true });
  const { sql } = tdb;
  await sql`
    insert into items (department_id, name, inventory_number)
    select ${scene.department.id}, 'Bench item', ${`${tag}-`} || g from generate_series(1, ${n}) g`;
  await sql`
    insert into loans (item_id, client_id, responsible_user_id, department_id, starts_at, due_at, duration_class)
    select i.id, ${scene.client.id}, ${scene.staff.id}, ${scene.department.id},
           now() - interval '1 hour', now() + interval '3 days', 'long'
    from items i where i.inventory_number like ${`${tag}-%`}`;
  const rows = await sql<{ id: string }[]>`
    insert into notification_log (idempotency_key, loan_id, department_id, kind, channel, recipient_type,
                                  recipient_id, recipient_address, language, status)
    select 'bench|' || l.id, l.id, l.department_id, 'loan_created', 'whatsapp', 'client', l.client_id,
           ${scene.client.phone}, 'fr', 'pending'
    from loans l join items i on i.id = l.item_id where i.inventory_number like ${`${tag}-%`}
    returning id`;
  return rows.map((r) => r.id);
}

async function throughput() {
  const results: string[][] = [];
  for (const run of RUNS) {
    const tdb = await createTestDatabase();
    const twilio = await startTwilioContractServer();
    const prefix = uniqueQueuePrefix('bench-whatsapp');
    const producer = createProducerConnection(testEnv.redisUrl);
    const workerConnection = createWorkerConnection(testEnv.redisUrl);
    try {
      if (!(await waitUntilReady(producer, 5_000))) throw new Error('Redis is not reachable');
      const ids = await seed(tdb, MESSAGES, `C${run.concurrency}R${run.ratePerSecond}`);
      const config = loadWhatsAppSenderConfig({
        DATABASE_URL: tdb.url,
        QUEUE_PREFIX: prefix,
        LINK_SIGNING_SECRET: 'bench-secret-that-is-long-enough-to-sign',
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
        TWILIO_API_BASE_URL: twilio.url,
        TWILIO_STATUS_CALLBACK_URL: 'https://rappel.example/twilio/status',
        WHATSAPP_CONCURRENCY: String(run.concurrency),
        WHATSAPP_RATE_LIMIT_PER_SECOND: String(run.ratePerSecond),
      });
      const service = await buildWhatsAppService({ config, db: tdb.db, producer, workerConnection, logger });
      const started = performance.now();
      for (let i = 0; i < ids.length; i += 1_000) {
        await publishRows(
          service.queues,
          ids
            .slice(i, i + 1_000)
            .map((id) => ({ id, channel: 'whatsapp' as const, kind: 'loan_created' as const })),
        );
      }
      for (;;) {
        const [row] = await tdb.sql<{ n: number }[]>`
          select count(*)::int as n from notification_log where status = 'sent' and channel = 'whatsapp'`;
        if ((row?.n ?? 0) >= ids.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      if (twilio.messages.length !== ids.length)
        throw new Error(`expected ${ids.length} messages at Twilio, got ${twilio.messages.length}`);
      results.push([
        String(run.concurrency),
        run.ratePerSecond >= 10_000 ? 'none' : `${run.ratePerSecond}/s`,
        String(ids.length),
        `${seconds.toFixed(2)} s`,
        (ids.length / seconds).toFixed(0),
      ]);
      await closeWhatsAppService(service);
    } finally {
      producer.disconnect();
      workerConnection.disconnect();
      await cleanupPrefix(prefix);
      await twilio.close();
      await tdb.drop();
    }
  }
  console.log('\nWorker throughput against the Twilio contract server (publish → every row sent)');
  table(['concurrency', 'rate limit', 'messages', 'elapsed', 'messages/s'], results);
}

renderCost();
await throughput();
process.exit(0);
