import { createDbClient, type DbClient } from '@rappel/db';
import { createTestDatabase, fixtures, type TestDatabase } from '@rappel/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimForAttempt, settle } from '../src/notification-record';

/**
 * The claim and the settle find their rows by primary key, whatever the backlog. With the status
 * condition written plainly, a planner told by its statistics that few rows are pending read the
 * partial index of actionable rows and filtered it by id, so each claim and settle read the whole
 * backlog (docs/benchmarks.md, "The claim read the whole backlog"). This sets up exactly that:
 * statistics taken over sent rows, then a backlog they do not know of.
 */

let tdb: TestDatabase;
/** One connection, so the index counters this session flushes include the claims' and settles'. */
let one: DbClient;
let backlog: string[];

const PENDING_INDEX = 'notification_log_status_next_attempt_idx';

beforeAll(async () => {
  tdb = await createTestDatabase();
  const department = await fixtures(tdb.db).department();
  const insertRows = (status: string, n: number, tag: string) => tdb.sql`
    insert into notification_log (idempotency_key, department_id, kind, channel, recipient_type, recipient_id, recipient_address, status)
    select ${tag} || g, ${department.id}, 'daily_report', 'email', 'user', gen_random_uuid(), 'desk@hotel.example', ${status}
    from generate_series(1, ${n}::int) g`;
  await insertRows('sent', 20_000, 'history-');
  await tdb.sql`analyze notification_log`;
  await insertRows('pending', 3_000, 'backlog-');
  backlog = (
    await tdb.sql<{ id: string }[]>`select id from notification_log where status = 'pending' limit 6`
  ).map((r) => r.id);
  one = createDbClient(tdb.url, { max: 1 });
}, 60_000);
afterAll(async () => {
  await one.close();
  await tdb.drop();
});

/** Index scans of notification_log's indexes by this session so far, flushed first. */
async function indexScans(): Promise<Record<string, number>> {
  await one.db.execute(sql`select pg_stat_force_next_flush()`);
  await one.db.execute(sql`select 1`);
  const rows = await one.db.execute<{ name: string; scans: string }>(sql`
    select indexrelname as name, idx_scan as scans from pg_stat_user_indexes where relname = 'notification_log'`);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.scans)]));
}

describe('with a backlog the statistics do not know of', () => {
  it('a batch of claims and its settle read the rows by primary key, not the backlog', async () => {
    const before = await indexScans();
    const now = new Date();
    const claimed = await Promise.all(
      backlog.slice(0, 3).map((id) => claimForAttempt(one.db, id, now, 60_000)),
    );
    expect(claimed.map((row) => row?.id)).toEqual(backlog.slice(0, 3));
    await Promise.all(
      claimed.map((row) =>
        settle(one.db, row!, { status: 'sent', providerMessageId: null }, new Date(), 'test'),
      ),
    );
    const after = await indexScans();

    expect(after[PENDING_INDEX]).toBe(before[PENDING_INDEX]);
    expect(after.notification_log_pkey).toBeGreaterThan(before.notification_log_pkey!);
    const rows = await tdb.sql<{ status: string }[]>`
      select status from notification_log where id in ${tdb.sql(backlog.slice(0, 3))}`;
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
