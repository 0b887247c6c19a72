/**
 * /v1/stats latency over a large notification_log, beside the naive GROUP BY over the log.
 *
 *   pnpm tsx bench/stats.ts                   # 1 000 000 log rows
 *   pnpm tsx bench/stats.ts --rows 10000000   # 10 million (several minutes of seeding, ~5 GB)
 *   pnpm tsx bench/stats.ts --smoke           # 20 000 rows, few rounds: checks the script runs
 *   … --keep                                  # leave the seeded database for EXPLAIN
 *
 * Seeds its own database (cloned from the migrated test template) with generate_series, one
 * statement per million rows: the rollup triggers fold each statement into the rollups as
 * they would any bulk write. Rows spread over 365 days, 6 departments, every kind, channel and
 * status, with send and delivery delays; one loan per 20 rows for the reminders' effectiveness.
 *
 * Timed, each with p50/p95 over the rounds:
 *   1. GET /v1/stats through the app (inject: session lookup, queries, JSON), super admin and one
 *      manager, last 30 days and 365 days;
 *   2. the same read without HTTP (the queries alone);
 *   3. the naive queries over notification_log that the rollups replace (fewer rounds);
 * then the scheduler's retention purge at 90 days (time taken; the stats must still count
 * every seeded message).
 * Needs the test Postgres and Redis (TEST_DATABASE_URL / TEST_REDIS_URL). Everything it makes is
 * dropped at the end. Results on stdout and in bench/results/stats-<rows>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { systemClock } from '../packages/domain/src/index';
import { createLogger, createMetricsRegistry } from '../packages/observability/src/index';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
} from '../packages/queue/src/index';
import { cleanupPrefix, createTestDatabase, testEnv, uniqueQueuePrefix } from '../packages/testing/src/index';
import { retention } from '../services/reminder-scheduler/src/jobs/retention';
import { buildApp } from '../services/stats-service/src/app';
import { createSession } from '../services/stats-service/src/auth/sessions';
import { loadStatsConfig } from '../services/stats-service/src/config';
import { createSchedulerQueue } from '../services/stats-service/src/scheduler-queue';
import { resolveRange } from '../services/stats-service/src/stats/range';
import { createStatsReader } from '../services/stats-service/src/stats/read-stats';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    /** Leave the seeded database in place (its name is printed) to look at query plans. */
    keep: { type: 'boolean', default: false },
  },
});
const ROWS = args.smoke ? 20_000 : Number(args.rows ?? 1_000_000);
const ROUNDS = args.smoke ? 10 : 200;
const NAIVE_ROUNDS = args.smoke ? 3 : ROWS > 2_000_000 ? 5 : 15;
const CHUNK = 1_000_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function time(rounds: number, fn: () => Promise<unknown>) {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    rounds,
    p50: round(percentile(ms, 0.5)),
    p95: round(percentile(ms, 0.95)),
    max: round(ms.at(-1)!),
  };
}

const database = await createTestDatabase();
const { sql } = database;
const prefix = uniqueQueuePrefix('bench-stats');
const redis = createProducerConnection(testEnv.redisUrl);
const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
const schedulerQueue = createSchedulerQueue(redis, prefix, () => {});

try {
  console.log(`seeding ${ROWS.toLocaleString('en')} notification_log rows into ${database.name}…`);
  const seedStart = performance.now();
  await sql`insert into departments (name) select 'Département ' || g from generate_series(1, 6) g`;
  const depts = (await sql<{ id: string }[]>`select id from departments order by name`).map((d) => d.id);
  const [admin] = await sql<{ id: string }[]>`
    insert into users (email, full_name, role) values ('bench-admin@hotel.test', 'Bench Admin', 'super_admin')
    returning id`;
  const [manager] = await sql<{ id: string }[]>`
    insert into users (email, full_name, role, department_id)
    values ('bench-manager@hotel.test', 'Bench Manager', 'dept_manager', ${depts[0]!}) returning id`;
  await sql`insert into items (department_id, name, inventory_number)
    select d, 'Item', 'INV-' || row_number() over () from unnest(${sql.array(depts)}::uuid[]) d`;
  await sql`insert into clients (department_id, kind, full_name)
    select d, 'guest', 'Client' from unnest(${sql.array(depts)}::uuid[]) d`;
  const loans = Math.max(1, Math.floor(ROWS / 20));
  await sql`
    insert into loans (item_id, client_id, responsible_user_id, department_id, starts_at, due_at, returned_at,
      duration_class)
    select i.id, c.id, ${manager!.id}, i.department_id, t.due - interval '3 days', t.due,
      t.due + (case when g % 4 = 0 then interval '5 hours' else interval '-2 hours' end), 'long'
    from generate_series(1, ${loans}::int) g
    cross join lateral (select now() - (g % 365) * interval '1 day' as due) t
    join items i on i.inventory_number = 'INV-' || (1 + g % 6)
    join clients c on c.department_id = i.department_id`;
  await sql`create temp table bench_loans as select row_number() over () as n, id, department_id from loans`;
  for (let offset = 0; offset < ROWS; offset += CHUNK) {
    const upto = Math.min(ROWS, offset + CHUNK);
    await sql`
      insert into notification_log (idempotency_key, loan_id, department_id, kind, channel, recipient_type,
        recipient_id, recipient_address, status, error_code, attempts, created_at, scheduled_at, sent_at,
        delivered_at)
      select 'bench|' || g, l.id, l.department_id,
        (array['loan_created','reminder_d2','reminder_d1','reminder_due_day','reminder_2h','overdue',
               'loan_returned','overdue_escalation'])[1 + g % 8],
        case when g % 3 = 0 then 'whatsapp' else 'email' end,
        'client', gen_random_uuid(), 'guest' || (g % 5000) || '@example.test',
        s.status,
        case when s.status in ('failed', 'permanent_failure', 'undelivered')
          then (array['550','21211','63016','ETIMEDOUT','30003','421'])[1 + g % 6] end,
        1 + g % 3, s.created, s.created,
        case when s.status in ('sent','delivered','read') then s.created + (1 + g % 240) * interval '1 second' end,
        case when s.status in ('delivered','read') then s.created + (5 + g % 900) * interval '1 second' end
      from generate_series(${offset + 1}::int, ${upto}::int) g
      join bench_loans l on l.n = 1 + g % ${loans}::int
      cross join lateral (select
        now() - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second' as created,
        (array['sent','delivered','delivered','read','delivered','sent','skipped','permanent_failure',
               'failed','pending','delivered','sent','cancelled','undelivered','delivered','read',
               'sent','delivered','delivered','sent'])[1 + g % 20] as status) s`;
    process.stdout.write(`  ${upto.toLocaleString('en')} rows\n`);
  }
  // The triggers appended deltas; stats-service folds them every few seconds, so read as it would.
  await sql`select fold_notification_rollups()`;
  await sql`vacuum analyze`;
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
  const [{ rollupRows, monthlyRollupRows }] = (await sql`
    select (select count(*)::int from notification_daily_rollup) as "rollupRows",
      (select count(*)::int from notification_monthly_rollup) as "monthlyRollupRows"`) as unknown as [
    { rollupRows: number; monthlyRollupRows: number },
  ];
  console.log(`seeded in ${seedSeconds} s; ${rollupRows} daily and ${monthlyRollupRows} monthly rollup rows`);

  const config = loadStatsConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testEnv.redisUrl,
    QUEUE_PREFIX: prefix,
    LINK_SIGNING_SECRET: 'bench-link-signing-secret-0123456789abcdef',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef012',
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp({
    config,
    db: database.db,
    sql,
    queues,
    schedulerQueue,
    registry: createMetricsRegistry('stats-service'),
    pingPostgres: async () => void (await sql`select 1`),
    pingRedis: async () => void (await redis.ping()),
  });
  const now = new Date();
  const cookie = async (userId: string) =>
    `rappel_session=${(await createSession(database.db, userId, 1, now)).token}`;
  const adminCookie = await cookie(admin!.id);
  const managerCookie = await cookie(manager!.id);
  const year = resolveRange(
    { from: new Date(now.getTime() - 364 * 86_400_000).toISOString().slice(0, 10) },
    config.APP_TIMEZONE,
    now,
  );
  const get = (url: string, c: string) => async () => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie: c } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  };
  const reader = createStatsReader(sql);
  const month = resolveRange({}, config.APP_TIMEZONE, now);

  // What /v1/stats would cost without the rollups: the same figures straight from the log.
  const naive = (from: string, to: string, dept?: string) => async () => {
    await sql`
      select status, channel, kind, department_id, day, error_code, count(*),
        percentile_cont(array[0.5, 0.95]) within group (order by sent_seconds)
      from (
        select status, channel, kind, department_id, error_code,
          (created_at at time zone ${config.APP_TIMEZONE})::date as day,
          extract(epoch from sent_at - created_at) as sent_seconds
        from notification_log
        where created_at >= ${from}::date::timestamptz and created_at < (${to}::date + 1)::timestamptz
          ${dept ? sql`and department_id = ${dept}` : sql``}
      ) l
      group by grouping sets ((status), (channel, status), (kind), (department_id), (day, status),
        (error_code, status))`;
  };

  const results = {
    rows: ROWS,
    seedSeconds,
    rollupRows,
    monthlyRollupRows,
    http: {
      superAdmin30Days: await time(ROUNDS, get('/v1/stats', adminCookie)),
      superAdmin365Days: await time(ROUNDS, get(`/v1/stats?from=${year.from}`, adminCookie)),
      manager30Days: await time(ROUNDS, get('/v1/stats', managerCookie)),
      manager365Days: await time(ROUNDS, get(`/v1/stats?from=${year.from}`, managerCookie)),
    },
    readerWithoutHttp: {
      superAdmin30Days: await time(ROUNDS, () => reader.read({ all: true }, month, 'fr')),
      superAdmin365Days: await time(ROUNDS, () => reader.read({ all: true }, year, 'fr')),
    },
    naiveGroupByOverLog: {
      superAdmin30Days: await time(NAIVE_ROUNDS, naive(month.from, month.to)),
      superAdmin365Days: await time(NAIVE_ROUNDS, naive(year.from, year.to)),
      manager365Days: await time(NAIVE_ROUNDS, naive(year.from, year.to, depts[0])),
    },
  };
  await app.close();

  // The scheduler's daily retention purge at its default age, as it would run at 02:00 on this
  // log: how long it takes, and that the figures it must keep are all still counted.
  const counted = async () => {
    const [row] = await sql<{ n: string }[]>`
      select sum(count)::bigint as n from notification_monthly_rollup_current`;
    return Number(row!.n);
  };
  const retentionDays = 90;
  const countedBefore = await counted();
  const purgeStart = performance.now();
  const { deleted } = await retention({
    db: database.db,
    clock: systemClock,
    logger: createLogger('bench', 'silent'),
    retentionDays,
    batchSize: 1_000,
  });
  const purgeSeconds = Math.round((performance.now() - purgeStart) / 100) / 10;
  const countedAfter = await counted();
  if (countedAfter !== countedBefore || countedAfter !== ROWS) {
    throw new Error(`the purge changed the figures: ${countedBefore} counted before, ${countedAfter} after`);
  }
  const purge = { retentionDays, deleted, seconds: purgeSeconds, countedAfter };
  console.log(
    `\nretention purge (${retentionDays} days): ${deleted.toLocaleString('en')} messages deleted in ${purgeSeconds} s;` +
      ` the stats still count all ${countedAfter.toLocaleString('en')}`,
  );

  console.log(`\n/v1/stats with ${ROWS.toLocaleString('en')} log rows (ms)`);
  const table: Record<string, unknown> = {};
  for (const [group, entries] of Object.entries(results).filter(([, v]) => typeof v === 'object')) {
    for (const [name, r] of Object.entries(
      entries as Record<string, { p50: number; p95: number; rounds: number }>,
    ))
      table[`${group} · ${name}`] = { p50: r.p50, p95: r.p95, rounds: r.rounds };
  }
  console.table(table);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/stats-${args.smoke ? 'smoke' : ROWS}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify({ at: now.toISOString(), ...results, purge }, null, 2)}\n`);
} finally {
  await closeDeliveryQueues(queues);
  await schedulerQueue.close();
  redis.disconnect();
  await cleanupPrefix(prefix);
  if (args.keep) await database.close();
  else await database.drop();
}
