import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createDbClient, type DbClient, reconnectBackoff } from './client';
import { rawPreparedStatement } from './prepared';

describe('reconnectBackoff', () => {
  it('starts fast and never waits longer than the cap, so queries fail or resume within seconds', () => {
    const backoff = reconnectBackoff(1);
    expect(backoff(0, () => 1)).toBeCloseTo(0.05);
    expect(backoff(3, () => 1)).toBeCloseTo(0.4);
    for (let retries = 0; retries < 50; retries++) {
      expect(backoff(retries, () => 1)).toBeLessThanOrEqual(1);
      expect(backoff(retries, () => 0)).toBeGreaterThan(0);
    }
  });
});

// Reads only the server's catalogs: no database of its own is needed. (This package cannot use
// @rappel/testing, which depends on it.)
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('prepared statements', () => {
  let client: DbClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  /** Named statements on the client's one connection whose text mentions `marker`. */
  const preparedWith = async (c: DbClient, marker: string) => {
    const rows = await c.sql`select statement from pg_prepared_statements`;
    return rows.filter((r) => String(r.statement).includes(marker)).length;
  };

  it("names drizzle's queries, in and out of transactions, so Postgres parses each text once per connection", async () => {
    client = createDbClient(ADMIN_URL, { max: 1 });
    const db = client.db;
    for (let i = 0; i < 3; i++) await db.execute(sql`select ${i}::int as plain_marker`);
    await db.transaction(async (tx) => {
      await tx.execute(sql`select ${1}::int as tx_marker`);
      await tx.transaction((inner) => inner.execute(sql`select ${2}::int as savepoint_marker`));
    });
    expect(await preparedWith(client, 'plain_marker')).toBe(1);
    expect(await preparedWith(client, 'tx_marker')).toBe(1);
    expect(await preparedWith(client, 'savepoint_marker')).toBe(1);
    const [row] = await db.execute<{ plain_marker: number }>(sql`select ${41 + 1}::int as plain_marker`);
    expect(row?.plain_marker).toBe(42);
  });

  it('renders a raw statement once and runs it as one named statement with each call’s values', async () => {
    client = createDbClient(ADMIN_URL, { max: 1 });
    let renders = 0;
    const statement = rawPreparedStatement(() => {
      renders += 1;
      return sql`select x * ${sql.placeholder('factor')}::int as raw_marker
        from unnest(${sql.placeholder('xs')}::int[]) x where ${'kept'} = 'kept'`;
    });
    expect(await statement(client.db, { factor: 2, xs: [1, 2, 3] })).toEqual([
      { raw_marker: 2 },
      { raw_marker: 4 },
      { raw_marker: 6 },
    ]);
    expect(await statement(client.db, { factor: 10, xs: [5] })).toEqual([{ raw_marker: 50 }]);
    expect(renders).toBe(1);
    expect(await preparedWith(client, 'raw_marker')).toBe(1);
  });

  it('can be turned off (for a pooler in transaction mode)', async () => {
    client = createDbClient(ADMIN_URL, { max: 1, prepareStatements: false });
    await client.db.execute(sql`select ${1}::int as unnamed_marker`);
    expect(await preparedWith(client, 'unnamed_marker')).toBe(0);
  });
});

describe('postgres.js (patched: patches/README.md)', () => {
  it('reserves the connection of a transaction begun while every connection is busy', async () => {
    // Two connections each running a query, and at most one query in flight per connection:
    // the BEGIN is pipelined behind a running query and fills that connection's pipeline.
    // Unpatched, postgres.js then skipped reserving it and the transaction failed with
    // UNSAFE_TRANSACTION (porsager/postgres#1189), as loans did at 100 per second.
    // max_pipeline is a postgres.js option its type declarations leave out.
    const options = { max: 2, max_pipeline: 1, onnotice: () => {} };
    const sql = postgres(ADMIN_URL, options);
    try {
      await Promise.all([sql`select 1`, sql`select 1`]); // both connections open
      const busy = [sql`select pg_sleep(0.2)`.execute(), sql`select pg_sleep(0.2)`.execute()];
      const inTransaction = sql.begin(async (tx) => {
        const [row] = await tx`select 1 as ok`;
        return row;
      });
      await expect(inTransaction).resolves.toMatchObject({ ok: 1 });
      await Promise.all(busy);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });
});
