/**
 * Time of one due-sweep tick of reminder-scheduler against 10k and 100k open loans (1M with
 * --full): the sweep must stay flat as loans grow, since it reads the (state, fire_at) index and
 * costs the due rows, not the open loans.
 *
 *   pnpm tsx bench/scheduler-sweep.ts            # 10k and 100k open loans
 *   pnpm tsx bench/scheduler-sweep.ts --full     # and 1M (several minutes, ~10M plan rows)
 *   pnpm tsx bench/scheduler-sweep.ts --smoke    # 200 loans, to check the script runs
 *   pnpm tsx bench/scheduler-sweep.ts --burst 100000   # also: fire a burst of N due reminders
 *   pnpm tsx bench/scheduler-sweep.ts --sizes 20000 --burst 20000   # chosen sizes only
 *
 * Needs the test Postgres and Redis (TEST_DATABASE_URL / TEST_REDIS_URL, see packages/testing).
 * Each size gets its own database, dropped at the end. Results go to stdout.
 */
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../packages/domain/src/index';
import { createLogger } from '../packages/observability/src/index';
import { createOutboxPublisher } from '../packages/outbox/src/index';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  waitUntilReady,
} from '../packages/queue/src/index';
import {
  cleanupPrefix,
  createTestDatabase,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '../packages/testing/src/index';
import {
  dueRemindersQuery,
  fireDueReminders,
} from '../services/reminder-scheduler/src/jobs/fire-due-reminders';
import { loadAverage, writeResult } from './lib/report';
import { makeRemindersDue, seedOpenLoansWithPlan } from './lib/seed';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const full = args.includes('--full');
const burstArg = args.indexOf('--burst');
const burst = burstArg >= 0 ? Number(args[burstArg + 1]) : 0;
const sizesArg = args.indexOf('--sizes');
const sizes =
  sizesArg >= 0
    ? args[sizesArg + 1]!.split(',').map(Number)
    : smoke
      ? [200]
      : full
        ? [10_000, 100_000, 1_000_000]
        : [10_000, 100_000];
/** Reminders due in the measured "one batch due" tick: one FIRE_BATCH_SIZE. */
const DUE_IN_TICK = smoke ? 50 : 500;
const REPEATS = 5;
const logger = createLogger('bench-scheduler-sweep', 'silent');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** EXPLAIN of the sweep's real claim query (the plan must start from the (state, fire_at) index). */
async function claimPlan(tdb: TestDatabase): Promise<string> {
  const query = dueRemindersQuery(tdb.db, new Date(), 500).toSQL();
  const rows = await tdb.sql.unsafe(`explain ${query.sql}`, query.params as never[]);
  return rows
    .map((r) => String(Object.values(r)[0]).trim())
    .filter((line) => /Scan|Limit|LockRows|Nested/.test(line))
    .join(' / ');
}

interface SizeResult {
  openLoans: number;
  planRows: number;
  seedSeconds: number;
  idleTickMs: number;
  busyTickMs: number;
  dueInTick: number;
  claimPlan: string;
  burst?: { reminders: number; fired: number; published: number; seconds: number; perSecond: number };
}
const results: SizeResult[] = [];

async function runSize(loans: number) {
  const tdb = await createTestDatabase();
  const prefix = uniqueQueuePrefix('bench-sweep');
  const connection = createProducerConnection(testEnv.redisUrl);
  await waitUntilReady(connection);
  const queues = createDeliveryQueues({ connection, prefix, onError: () => {} });
  const publisher = createOutboxPublisher({ queues, logger });
  try {
    const t0 = performance.now();
    await seedOpenLoansWithPlan(tdb, loans);
    const seeded = performance.now() - t0;
    const clock = new ManualClock(new Date());
    const tick = (batchSize = 500) =>
      fireDueReminders({ db: tdb.db, publisher, clock, logger, batchSize, maxLatenessMinutes: 360 });

    const idle: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      clock.set(new Date());
      const start = performance.now();
      await tick();
      idle.push(performance.now() - start);
    }
    const busy: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      await makeRemindersDue(tdb, DUE_IN_TICK);
      clock.set(new Date());
      const start = performance.now();
      const s = await tick(DUE_IN_TICK);
      busy.push(performance.now() - start);
      if (s.fired !== DUE_IN_TICK) throw new Error(`expected ${DUE_IN_TICK} fired, got ${s.fired}`);
    }
    console.log(
      [
        `open loans ${loans.toLocaleString('en')}`,
        `plan rows ${(loans * 10).toLocaleString('en')} (seeded in ${(seeded / 1000).toFixed(1)} s)`,
        `idle tick ${ms(median(idle))}`,
        `tick with ${DUE_IN_TICK} due ${ms(median(busy))} (median of ${REPEATS})`,
      ].join(' | '),
    );
    const plan = await claimPlan(tdb);
    console.log(`  claim plan: ${plan}`);
    const result: SizeResult = {
      openLoans: loans,
      planRows: loans * 10,
      seedSeconds: seeded / 1000,
      idleTickMs: median(idle),
      busyTickMs: median(busy),
      dueInTick: DUE_IN_TICK,
      claimPlan: plan,
    };
    results.push(result);

    if (burst > 0 && loans === sizes[sizes.length - 1]) {
      await makeRemindersDue(tdb, burst);
      clock.set(new Date());
      const start = performance.now();
      const s = await tick(500);
      const took = performance.now() - start;
      result.burst = {
        reminders: burst,
        fired: s.fired,
        published: s.published,
        seconds: took / 1000,
        perSecond: s.fired / (took / 1000),
      };
      console.log(
        `  burst: ${s.fired.toLocaleString('en')} reminders due at once fired, ${s.published.toLocaleString('en')} jobs queued in ${(took / 1000).toFixed(1)} s (one replica)`,
      );
    }
  } finally {
    await closeDeliveryQueues(queues);
    connection.disconnect();
    await cleanupPrefix(prefix);
    await tdb.drop();
  }
}

const loadAtStart = loadAverage();
for (const size of sizes) await runSize(size);
// Flat is the goal: the busiest size's tick against the smallest's.
const growth = results.length > 1 ? results.at(-1)!.busyTickMs / results[0]!.busyTickMs : 1;
console.log(
  `\ntick growth ${results[0]!.openLoans.toLocaleString('en')} → ${results.at(-1)!.openLoans.toLocaleString('en')} open loans: ×${growth.toFixed(2)} (goal: flat, ≤ ×2)`,
);
const file = writeResult(
  smoke ? 'scheduler-sweep-smoke' : full ? 'scheduler-sweep-full' : 'scheduler-sweep',
  {
    loadAverageAtStart: loadAtStart,
    sizes: results,
    tickGrowth: growth,
    goals: { tickGrowth: 2 },
  },
);
console.log(`results: ${file}`);
