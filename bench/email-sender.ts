/**
 * email-sender throughput and render cost.
 *
 *   pnpm tsx bench/email-sender.ts           # 2 000 messages through the worker, render cost of every kind
 *   pnpm tsx bench/email-sender.ts --smoke   # 50 messages, few render rounds: checks the script runs
 *
 * 1. Render cost per message: compiling the MJML for every message (what the worker must not
 *    do) against filling the layout compiled once at start (what it does).
 * 2. Messages per second: the real worker (claim, render, send over pooled SMTP, record) on its
 *    own queue prefix and database, against the in-process SMTP server of @rappel/testing, at
 *    two concurrencies.
 *
 * Needs the test Postgres and Redis (TEST_DATABASE_URL / TEST_REDIS_URL, see packages/testing).
 * Everything it makes is dropped at the end. Results go to stdout; not run by the tests.
 */
import { performance } from 'node:perf_hooks';
import { LANGUAGES, NOTIFICATION_KINDS } from '../packages/contracts/src/index';
import { ManualClock } from '../packages/domain/src/index';
import { createLogger } from '../packages/observability/src/index';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  createWorkerConnection,
  publishRows,
  waitUntilReady,
} from '../packages/queue/src/index';
import { compileEmailTemplate } from '../packages/templates/src/email/compile-email-template';
import { createEmailRenderer, fillEmail } from '../packages/templates/src/index';
import {
  cleanupPrefix,
  createTestDatabase,
  startTestSmtpServer,
  testEnv,
  uniqueQueuePrefix,
} from '../packages/testing/src/index';
import { buildEmailSender } from '../services/email-sender/src/app';
import { parseEmailSenderConfig } from '../services/email-sender/src/config';
import { createSmtpTransport } from '../services/email-sender/src/transports/smtp-transport';
import { printTable } from './lib/report';
import { sampleContext, seedPendingRows } from './lib/sender-bench';

const smoke = process.argv.includes('--smoke');
const MESSAGES = smoke ? 50 : 2_000;
const CONCURRENCIES = smoke ? [10] : [10, 25];
const COMPILE_ROUNDS = smoke ? 2 : 10;
const FILL_ROUNDS = smoke ? 20 : 2_000;
const logger = createLogger('bench-email-sender', 'silent');

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
async function renderCost() {
  const contexts = NOTIFICATION_KINDS.flatMap((kind) =>
    LANGUAGES.map((language) => sampleContext(kind, 'email', language)),
  );
  const startup = performance.now();
  const renderer = await createEmailRenderer();
  const startupMs = performance.now() - startup;

  let t = performance.now();
  for (let round = 0; round < COMPILE_ROUNDS; round++) {
    for (const ctx of contexts) fillEmail(await compileEmailTemplate(ctx.kind, ctx.language), ctx);
  }
  const compileEach = (performance.now() - t) / (COMPILE_ROUNDS * contexts.length);

  t = performance.now();
  for (let round = 0; round < FILL_ROUNDS; round++) for (const ctx of contexts) renderer.render(ctx);
  const fillEach = (performance.now() - t) / (FILL_ROUNDS * contexts.length);

  console.log(`\nRender cost per message (${contexts.length} kind × language pairs, mean)`);
  printTable(
    ['method', 'per message', 'messages/s (one core)'],
    [
      ['compile MJML per message', us(compileEach), (1000 / compileEach).toFixed(0)],
      ['fill precompiled layout', us(fillEach), (1000 / fillEach).toFixed(0)],
    ],
  );
  console.log(
    `precompiling all ${contexts.length} layouts at start: ${startupMs.toFixed(0)} ms; speed-up ×${(compileEach / fillEach).toFixed(0)}`,
  );
}

/** N loans and one pending loan_created e-mail row each, written with SQL. */
async function throughput() {
  const results: string[][] = [];
  for (const concurrency of CONCURRENCIES) {
    const tdb = await createTestDatabase();
    const smtp = await startTestSmtpServer({ parse: false });
    const prefix = uniqueQueuePrefix('bench-email');
    const producer = createProducerConnection(testEnv.redisUrl);
    const workerConnection = createWorkerConnection(testEnv.redisUrl);
    try {
      if (!(await waitUntilReady(producer, 5_000))) throw new Error('Redis is not reachable');
      const ids = await seedPendingRows(tdb, MESSAGES, `C${concurrency}`, 'email');
      const config = parseEmailSenderConfig({
        DATABASE_URL: tdb.url,
        QUEUE_PREFIX: prefix,
        LINK_SIGNING_SECRET: 'bench-secret-that-is-long-enough-to-sign',
        SMTP_URL: smtp.url,
        EMAIL_CONCURRENCY: String(concurrency),
      });
      const transport = createSmtpTransport({ url: smtp.url, maxConnections: 5 });
      const queues = createDeliveryQueues({ connection: producer, prefix, onError: () => {} });
      const app = await buildEmailSender({
        config,
        db: tdb.db,
        sql: tdb.sql,
        producer,
        workerConnection,
        transport,
        renderer: await createEmailRenderer(),
        captureDir: null,
        logger,
        clock: new ManualClock(new Date()),
      });
      const started = performance.now();
      for (let i = 0; i < ids.length; i += 1_000) {
        await publishRows(
          queues,
          ids
            .slice(i, i + 1_000)
            .map((id) => ({ id, channel: 'email' as const, kind: 'loan_created' as const })),
        );
      }
      await smtp.waitForMessages(ids.length, 600_000);
      for (;;) {
        const [row] = await tdb.sql<{ n: number }[]>`
          select count(*)::int as n from notification_log where status = 'sent'`;
        if ((row?.n ?? 0) >= ids.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      results.push([
        String(concurrency),
        String(ids.length),
        `${seconds.toFixed(2)} s`,
        (ids.length / seconds).toFixed(0),
      ]);
      await app.close();
      await closeDeliveryQueues(queues);
    } finally {
      producer.disconnect();
      workerConnection.disconnect();
      await cleanupPrefix(prefix);
      await smtp.close();
      await tdb.drop();
    }
  }
  console.log('\nWorker throughput against the local SMTP server (publish → every row sent)');
  printTable(['concurrency', 'messages', 'elapsed', 'messages/s'], results);
}

await renderCost();
await throughput();
process.exit(0);
