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
import { LANGUAGES, NOTIFICATION_KINDS } from '../packages/contracts/src/index';
import { createLogger } from '../packages/observability/src/index';
import {
  createProducerConnection,
  createWorkerConnection,
  publishRows,
  waitUntilReady,
} from '../packages/queue/src/index';
import { contentVariables, renderWhatsAppText } from '../packages/templates/src/index';
import {
  cleanupPrefix,
  createTestDatabase,
  startTwilioContractServer,
  testEnv,
  uniqueQueuePrefix,
} from '../packages/testing/src/index';
import { buildWhatsAppService, closeWhatsAppService } from '../services/whatsapp-sender/src/app';
import { loadWhatsAppSenderConfig } from '../services/whatsapp-sender/src/config';
import { printTable } from './lib/report';
import { sampleContext, seedPendingRows } from './lib/sender-bench';

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

function renderCost() {
  const contexts = NOTIFICATION_KINDS.flatMap((kind) =>
    LANGUAGES.map((language) => sampleContext(kind, 'whatsapp', language)),
  );
  let t = performance.now();
  for (let round = 0; round < RENDER_ROUNDS; round++) for (const ctx of contexts) renderWhatsAppText(ctx);
  const text = (performance.now() - t) / (RENDER_ROUNDS * contexts.length);
  t = performance.now();
  for (let round = 0; round < RENDER_ROUNDS; round++) for (const ctx of contexts) contentVariables(ctx);
  const vars = (performance.now() - t) / (RENDER_ROUNDS * contexts.length);
  console.log(`\nWhatsApp render cost per message (${contexts.length} kind × language pairs, mean)`);
  printTable(
    ['what', 'per message', 'messages/s (one core)'],
    [
      ['free-form text', `${(text * 1000).toFixed(1)} µs`, (1000 / text).toFixed(0)],
      ['Content variables', `${(vars * 1000).toFixed(1)} µs`, (1000 / vars).toFixed(0)],
    ],
  );
}

/** N loans of one WhatsApp-enabled client and one pending loan_created WhatsApp row each. */
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
      const ids = await seedPendingRows(
        tdb,
        MESSAGES,
        `C${run.concurrency}R${run.ratePerSecond}`,
        'whatsapp',
      );
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
  printTable(['concurrency', 'rate limit', 'messages', 'elapsed', 'messages/s'], results);
}

renderCost();
await throughput();
process.exit(0);
