/**
 * End-to-end throughput and memory: loans created over HTTP at full speed until N messages
 * (one e-mail and one WhatsApp per loan) have been accepted by the SMTP server and the Twilio
 * server, beside two baselines measured in the same run: bare BullMQ (add + no-op process, same
 * concurrency) and bare nodemailer (same pool, same SMTP server). Also the peak RSS of each of
 * the five service processes over the whole run.
 *
 *   pnpm bench end-to-end                 # 20 000 messages (--runs 3: three runs, medians)
 *   pnpm bench end-to-end --smoke         # 200 messages, 1 run: checks the script runs
 *   pnpm bench end-to-end --messages 5000 --runs 1 --cpu-prof email-sender,attribution-service
 *
 * Everything runs on this machine: Postgres and Redis (TEST_DATABASE_URL / TEST_REDIS_URL), a
 * fresh database and queue prefix, the SMTP sink and the Twilio contract server in this process,
 * the services as their own processes (as in production, LOG_LEVEL=warn). Before the measured
 * runs, a warm-up of 1 000 loans (20 with --smoke), then the tables the pipeline writes are
 * analyzed, as autovacuum would have done by then (analyzeAfterWarmUp in lib/seed.ts).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { testEnv } from '../packages/testing/src/index';
import { bareBullmq, bareNodemailer } from './lib/baselines';
import { startCpuMeter } from './lib/cpu';
import { atFullSpeed, loanLoad } from './lib/loan-load';
import { type Figure, fmtRate, loadAverage, median, printFigures, round, writeResult } from './lib/report';
import { analyzeAfterWarmUp, type Borrowers, seedBorrowers } from './lib/seed';
import { ALL_SERVICES, deliveryCheck, PROFILE_DIR, startStack } from './lib/stack';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    messages: { type: 'string' },
    runs: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    'cpu-prof': { type: 'string' },
    /** Diagnosis only: the stats rollup triggers off, to measure what their row locks cost. */
    'without-rollup-triggers': { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(args.messages ?? (args.smoke ? 200 : 20_000));
const RUNS = Number(args.runs ?? 1);
const HTTP_CONCURRENCY = Number(args.concurrency);
/** The senders' defaults (EMAIL_CONCURRENCY, WHATSAPP_CONCURRENCY, SMTP_MAX_CONNECTIONS). */
const WORKER_CONCURRENCY = 10;
const SMTP_CONNECTIONS = 5;
const RATIO_GOAL = 0.7;
const MEMORY_GOAL_MB = 150;
const TIMEOUT_MS = Math.max(60_000, MESSAGES * 50);
if (MESSAGES % 2 !== 0) throw new Error('--messages must be even (one e-mail and one WhatsApp per loan)');
const LOANS = MESSAGES / 2;
/** Loans sent before the measured runs, after which the tables are analyzed (analyzeAfterWarmUp). */
const WARMUP_LOANS = args.smoke ? 20 : 1_000;
const ALL_LOANS = WARMUP_LOANS + LOANS * RUNS;
const profiled = (args['cpu-prof']?.split(',') ?? []) as (typeof ALL_SERVICES)[number][];

const loadAtStart = loadAverage();
let borrowers: Borrowers | undefined;
const stack = await startStack({
  services: ALL_SERVICES,
  cpuProf: profiled,
  // Diagnosis, passed to the services: DATABASE_PREPARED_STATEMENTS=false (unnamed queries),
  // SERVICE_NODE_OPTIONS='…' (more V8 or Node flags; SERVICE_NODE_FLAGS on the command line win).
  env: {
    ...(process.env.DATABASE_PREPARED_STATEMENTS
      ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }
      : {}),
    ...(process.env.SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS } : {}),
  },
  beforeServices: async (db) => {
    borrowers = await seedBorrowers(db, ALL_LOANS);
    if (args['without-rollup-triggers']) await db.sql`alter table notification_log disable trigger user`;
  },
});

/** Redis's own pid, for its CPU time (the server is shared with whatever else runs here). */
async function redisPid(): Promise<number | undefined> {
  const redis = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]) || undefined;
  } finally {
    redis.disconnect();
  }
}

interface Run {
  ours: { perSecond: number; seconds: number; httpSeconds: number; loansPerSecond: number };
  /** CPU milliseconds per message in each process while ours ran. */
  cpuMsPerMessage: Record<string, number>;
  bullmq: { perSecond: number; seconds: number; workerCpuMsPerJob: number };
  nodemailer: { perSecond: number; seconds: number; senderCpuMsPerMessage: number };
  ratio: number;
}
const runs: Run[] = [];
let emailBytes = 0;

try {
  const load = await loanLoad(stack.db, stack.url('attribution-service'), borrowers!, {
    sockets: HTTP_CONCURRENCY,
  });
  // Services just started, tables never analyzed: a warm-up, then what autovacuum would do.
  await atFullSpeed(load, 0, WARMUP_LOANS, HTTP_CONCURRENCY);
  await stack.smtp.waitFor(WARMUP_LOANS, 60_000);
  await stack.twilio.waitFor(WARMUP_LOANS, 60_000);
  await analyzeAfterWarmUp(stack.db.sql);
  for (let run = 0; run < RUNS; run++) {
    const before = stack.smtp.count + stack.twilio.count;
    const smtpBefore = { count: stack.smtp.count, bytes: stack.smtp.bytes };
    const meter = await startCpuMeter(
      {
        ...Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.child.pid])),
        'bench (load, SMTP sink, Twilio server)': process.pid,
        'redis-server': await redisPid(),
      },
      stack.db.sql,
    );
    const started = performance.now();
    const answers = await atFullSpeed(load, WARMUP_LOANS + run * LOANS, LOANS, HTTP_CONCURRENCY);
    const httpSeconds = (performance.now() - started) / 1000;
    const deadline = performance.now() + TIMEOUT_MS;
    while (stack.smtp.count + stack.twilio.count < before + MESSAGES) {
      if (performance.now() > deadline)
        throw new Error(
          `only ${stack.smtp.count + stack.twilio.count - before} of ${MESSAGES} messages after ${TIMEOUT_MS} ms`,
        );
      await new Promise((r) => setTimeout(r, 2));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuMsPerMessage = Object.fromEntries(
      Object.entries(await meter.stop()).map(([name, cpu]) => [name, round((cpu * 1000) / MESSAGES, 2)]),
    );
    emailBytes = (stack.smtp.bytes - smtpBefore.bytes) / (stack.smtp.count - smtpBefore.count);
    const ours = {
      perSecond: MESSAGES / seconds,
      seconds,
      httpSeconds,
      loansPerSecond: answers.length / httpSeconds,
    };
    const bullmq = await bareBullmq({
      total: MESSAGES,
      concurrency: WORKER_CONCURRENCY,
      producers: HTTP_CONCURRENCY,
    });
    const nodemailer = await bareNodemailer({
      smtpUrl: stack.smtp.url,
      total: MESSAGES,
      concurrency: WORKER_CONCURRENCY,
      maxConnections: SMTP_CONNECTIONS,
      size: Math.round(emailBytes),
    });
    const ratio = ours.perSecond / Math.min(bullmq.perSecond, nodemailer.perSecond);
    runs.push({ ours, cpuMsPerMessage, bullmq, nodemailer, ratio });
    console.log(
      `run ${run + 1}/${RUNS}: ours ${fmtRate(ours.perSecond)} (HTTP ${fmtRate(ours.loansPerSecond)} loans), ` +
        `bare BullMQ ${fmtRate(bullmq.perSecond)}, bare nodemailer ${fmtRate(nodemailer.perSecond)}, ratio ${round(ratio, 3)}`,
    );
  }
  load.close();

  // Every message exactly once, and every row recorded sent.
  const expected = 2 * ALL_LOANS;
  const deadline = performance.now() + 30_000;
  let sent = 0;
  do {
    const [row] = await stack.db.sql<{ sent: number }[]>`
      select count(*)::int as sent from notification_log where status = 'sent'`;
    sent = row?.sent ?? 0;
    if (sent >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  } while (performance.now() < deadline);
  const check = deliveryCheck(stack, borrowers!, ALL_LOANS);
  const exact = check.missing === 0 && check.duplicates === 0 && sent === expected;

  const memory = stack.memoryMb();
  const figures: Figure[] = [];
  const med = (pick: (r: Run) => number) => median(runs.map(pick));
  const ratio = med((r) => r.ratio);
  figures.push(
    { name: 'ours: messages/s (loan → SMTP + Twilio)', value: fmtRate(med((r) => r.ours.perSecond)) },
    { name: 'ours: loans/s over HTTP', value: fmtRate(med((r) => r.ours.loansPerSecond)) },
    { name: 'bare BullMQ: jobs/s (add + no-op)', value: fmtRate(med((r) => r.bullmq.perSecond)) },
    { name: 'bare nodemailer: messages/s', value: fmtRate(med((r) => r.nodemailer.perSecond)) },
    {
      name: 'ours ÷ smaller baseline',
      value: String(round(ratio, 3)),
      goal: `≥ ${RATIO_GOAL}`,
      met: ratio >= RATIO_GOAL,
    },
    {
      name: 'each message exactly once, rows sent',
      value: `${check.emails} e-mails, ${check.whatsapp} WhatsApp, ${check.duplicates} duplicates, ${sent} rows sent`,
      goal: `${expected / 2} + ${expected / 2}, 0 duplicates`,
      met: exact,
    },
  );
  /** The median of a CPU figure, in milliseconds. */
  const cpuMs = (pick: (r: Run) => number) => `${round(med(pick), 2)} ms`;
  const cpuNames = Object.keys(runs[0]?.cpuMsPerMessage ?? {});
  for (const name of cpuNames) {
    figures.push({ name: `CPU per message: ${name}`, value: cpuMs((r) => r.cpuMsPerMessage[name]!) });
  }
  figures.push(
    {
      name: 'CPU per e-mail: email-sender (ours) · bare nodemailer',
      value: `${cpuMs((r) => r.cpuMsPerMessage['email-sender']! * 2)} · ${cpuMs((r) => r.nodemailer.senderCpuMsPerMessage)}`,
    },
    {
      name: 'CPU per job: a sender (ours, WhatsApp) · bare BullMQ no-op worker',
      value: `${cpuMs((r) => r.cpuMsPerMessage['whatsapp-sender']! * 2)} · ${cpuMs((r) => r.bullmq.workerCpuMsPerJob)}`,
    },
    {
      name: 'CPU per message: all of the above',
      value: cpuMs((r) => Object.values(r.cpuMsPerMessage).reduce((a, b) => a + b, 0)),
    },
  );
  for (const [name, { peakRss, fileBacked }] of Object.entries(memory)) {
    figures.push({
      name: `peak RSS ${name}`,
      value: `${peakRss} MB (${fileBacked} MB of it file pages: the node binary and libraries)`,
      goal: `< ${MEMORY_GOAL_MB} MB`,
      met: peakRss < MEMORY_GOAL_MB,
    });
  }
  const title =
    `${args['without-rollup-triggers'] ? '[rollup triggers OFF] ' : ''}End-to-end, ${MESSAGES.toLocaleString('en')} messages × ${RUNS} run(s), median ` +
    `(HTTP concurrency ${HTTP_CONCURRENCY}, worker concurrency ${WORKER_CONCURRENCY}, e-mail ~${Math.round(emailBytes / 1024)} kB; load ${loadAtStart.join(' ')} → ${loadAverage().join(' ')})`;
  printFigures(title, figures);
  const file = writeResult(
    args.smoke
      ? 'end-to-end-smoke'
      : args['without-rollup-triggers']
        ? 'end-to-end-without-rollup-triggers'
        : 'end-to-end',
    {
      messages: MESSAGES,
      withoutRollupTriggers: args['without-rollup-triggers'],
      runs,
      httpConcurrency: HTTP_CONCURRENCY,
      workerConcurrency: WORKER_CONCURRENCY,
      emailBytes: Math.round(emailBytes),
      median: {
        ours: med((r) => r.ours.perSecond),
        loansPerSecond: med((r) => r.ours.loansPerSecond),
        bullmq: med((r) => r.bullmq.perSecond),
        nodemailer: med((r) => r.nodemailer.perSecond),
        ratio,
      },
      goals: { ratio: RATIO_GOAL, memoryMb: MEMORY_GOAL_MB },
      exact,
      delivery: { ...check, rowsSent: sent },
      memoryMb: memory,
      loadAverageAtStart: loadAtStart,
    },
  );
  console.log(`\nresults: ${file}`);
  if (profiled.length) console.log(`CPU profiles (written at exit): ${PROFILE_DIR}`);
  if (!exact) process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(process.exitCode ?? 0);
