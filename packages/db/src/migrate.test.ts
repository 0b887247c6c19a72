import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingMigrations, runMigrations, waitForMigrations } from './migrate';

// A database of its own: this package cannot use @rappel/testing, which depends on it.
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `rappel_db_migrate_${randomUUID().slice(0, 8)}`;
const url = (name = NAME) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

describe('waiting for the migrations (migrate-cli --wait)', () => {
  beforeAll(async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${NAME}"`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${NAME}" with (force)`);
    await admin.end();
  });

  it('waits while migrations are missing and resolves once the migration has run', async () => {
    const shipped = await pendingMigrations(url());
    expect(shipped.length).toBeGreaterThan(10);
    expect(shipped[0]).toBe('0000_initial_schema');

    await expect(waitForMigrations(url(), { timeoutMs: 300, intervalMs: 100 })).rejects.toThrow(
      /gave up after .*0000_initial_schema/,
    );

    const reasons: string[] = [];
    const waiting = waitForMigrations(url(), {
      timeoutMs: 60_000,
      intervalMs: 100,
      onWait: (reason) => reasons.push(reason),
    });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);

    await runMigrations(url());
    await waiting;
    expect(reasons[0]).toMatch(/migration\(s\) not applied yet/);
    expect(await pendingMigrations(url())).toEqual([]);
  }, 90_000);

  it('names the migrations a database lacks when it is behind the build', async () => {
    // What the database of the release before looks like: the newest recorded is older.
    const sql = postgres(url(), { max: 1, onnotice: () => {} });
    try {
      const [newest] = await sql<{ id: number }[]>`
        select id from drizzle.__drizzle_migrations order by created_at desc limit 1`;
      await sql`delete from drizzle.__drizzle_migrations where id = ${newest!.id}`;
      const pending = await pendingMigrations(url());
      expect(pending).toHaveLength(1);
      await sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('x', ${Number.MAX_SAFE_INTEGER})`;
      // A database ahead of the image (a rollback to the previous release) is not waited for.
      expect(await pendingMigrations(url())).toEqual([]);
    } finally {
      await sql.end();
    }
  });

  it('counts a database that does not answer as not migrated, until the timeout', async () => {
    const reasons: string[] = [];
    await expect(
      waitForMigrations('postgres://postgres@127.0.0.1:1/none', {
        timeoutMs: 500,
        intervalMs: 100,
        onWait: (reason) => reasons.push(reason),
      }),
    ).rejects.toThrow(/database not answering/);
    expect(reasons.length).toBeGreaterThan(0);
  });
});
