/**
 * Time of one due-sweep tick of reminder-scheduler against 10k and 100k open loans (1M with
 * --full): the sweep must stay flat as loans grow, since it reads the (state, fire_at) index and
 * costs the due rows, not the open loans.
 *
 *   pnpm tsx bench/scheduler-sweep.ts            # 10k and 100k open loans
 *   pnpm tsx bench/scheduler-sweep.ts --full     # and 1M (several minutes, ~10M plan rows)
 *   pnpm tsx bench/scheduler-sweep.ts --smoke    # 200 loans, to check the script runs
 *   pnpm tsx bench/scheduler-sweep.ts --burst 100000   # also: fire a burst of N due reminders
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
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '../packages/testing/src/index';
import {
  dueRemindersQuery,
  fireDueReminders,
} from '../services/reminder-scheduler/src/jobs/fire-due-reminders';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const full = args.includes('--full');
const burstArg = args.indexOf('--burst');
const burst = burstArg >= 0 ? Number(args[burstArg + 1]) : 0;
const sizes = smoke ? [200] : full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
/** Reminders due in the measured "one batch due" tick: one FIRE_BATCH_SIZE. */
const DUE_IN_TICK = smoke ? 50 : 500;
const REPEATS = 5;
const logger = createLogger('bench-scheduler-sweep', 'silent');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** N open long loans, each with its 10-reminder plan (3 pre-due, 7 overdue) in the future. */
async function seed(tdb: TestDatabase, loans: number) {
  const f = fixtures(tdb.db);
  const scene = await f.scene();
  const { sql } = tdb;
  await sql`
    insert into items (department_id, name, inventory_number)
    select ${scene.department.id}, 'Bench item', 'BENCH-' || g from generate_series(1, ${loans}) g`;
  await sql`
    insert into loans (item_id, client_id, responsible_user_id, department_id, starts_at, due_at, duration_class)
    select i.id, ${scene.client.id}, ${scene.staff.id}, ${scene.department.id},
           now() - interval '1 day', now() + (3 + random() * 30) * interval '1 day', 'long'
    from items i where i.inventory_number like 'BENCH-%'`;
  await sql`
    insert into scheduled_reminders (loan_id, kind, occurrence, fire_at, loan_version)
    select l.id, k.kind, k.occurrence, l.due_at + k.offset_, 1
    from loans l cross join (values
      ('reminder_d2', 1, interval '-2 days'), ('reminder_d1', 1, interval '-1 day'),
      ('reminder_due_day', 1, interval '-2 hours'),
      ('overdue', 1, interval '30 minutes'), ('overdue', 2, interval '1 day'),
      ('overdue', 3, interval '2 days'), ('overdue', 4, interval '3 days'),
      ('overdue', 5, interval '4 days'), ('overdue', 6, interval '5 days'),
      ('overdue', 7, interval '6 days')) as k(kind, occurrence, offset_)`;
  await sql`analyze`;
}

/** Makes `n` pre-due reminders due one minute ago (their loans are due days later). */
async function makeDue(tdb: TestDatabase, n: number) {
  await tdb.sql`
    update scheduled_reminders set fire_at = now() - interval '1 minute'
    where id in (select id from scheduled_reminders
                 where kind <> 'overdue' and state = 'scheduled' limit ${n})`;
}

/** EXPLAIN of the sweep's real claim query (the plan must start from the (state, fire_at) index). */
async function claimPlan(tdb: TestDatabase): Promise<string> {
  const query = dueRemindersQuery(tdb.db, new Date(), 500).toSQL();
  const rows = await tdb.sql.unsafe(`explain ${query.sql}`, query.params as never[]);
  return rows
    .map((r) => String(Object.values(r)[0]).trim())
    .filter((line) => /Scan|Limit|LockRows|Nested/.test(line))
    .join(' / ');
}

async function runSize(loans: number) {
  const tdb = await createTestDatabase();
  const prefix = uniqueQueuePrefix('bench-sweep');
  const connection = createProducerConnection(testEnv.redisUrl);
  await waitUntilReady(connection);
  const queues = createDeliveryQueues({ connection, prefix, onError: () => {} });
  const publisher = createOutboxPublisher({ queues, logger });
  try {
    const t0 = performance.now();
    await seed(tdb, loans);
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
      await makeDue(tdb, DUE_IN_TICK);
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
    console.log(`  claim plan: ${await claimPlan(tdb)}`);

    if (burst > 0 && loans === sizes[sizes.length - 1]) {
      await makeDue(tdb, burst);
      clock.set(new Date());
      const start = performance.now();
      const s = await tick(500);
      const took = performance.now() - start;
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

for (const size of sizes) await runSize(size);
