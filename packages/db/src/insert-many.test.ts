import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbClient, type DbClient } from './client';
import { insertMany, insertTogether } from './insert-many';
import { runMigrations } from './migrate';
import { departments, notificationLog } from './schema';

// A database of its own, migrated here: this package cannot use @rappel/testing, which depends on it.
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `rappel_db_insert_many_${randomUUID().slice(0, 8)}`;
const url = () => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${NAME}`;
  return u.toString();
};

describe('insertMany', () => {
  let client: DbClient;
  let departmentId: string;
  beforeAll(async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${NAME}"`);
    await admin.end();
    await runMigrations(url());
    client = createDbClient(url(), { max: 2 });
    [{ id: departmentId }] = (await client.db
      .insert(departments)
      .values({ name: 'Réception' })
      .returning({ id: departments.id })) as [{ id: string }];
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${NAME}" with (force)`);
    await admin.end();
  });

  const row = (key: string, extra: Partial<typeof notificationLog.$inferInsert> = {}) => ({
    idempotencyKey: key,
    departmentId,
    kind: 'daily_report' as const,
    channel: 'email' as const,
    recipientType: 'user' as const,
    recipientId: randomUUID(),
    recipientAddress: 'gérante@example.test',
    scheduledAt: new Date('2026-12-04T09:00:00.123Z'),
    ...extra,
  });

  it('returns the rows as drizzle reads them back: dates, JSON, nulls and database defaults', async () => {
    const inserted = await insertMany(client.db, notificationLog, [
      row('a', { context: { date: '2026-12-04', nested: { n: 1, quote: 'l’été "chaud"' } } }),
      // Leaves out `status` (default 'pending') while the next row sets it: separate statements.
      row('b', { recipientAddress: null }),
      row('c', { status: 'skipped', skipReason: 'toggle_off' }),
    ]);
    expect(inserted.map((r) => r.idempotencyKey).sort()).toEqual(['a', 'b', 'c']);
    const readBack = await client.db
      .select()
      .from(notificationLog)
      .where(
        inArray(
          notificationLog.id,
          inserted.map((r) => r.id),
        ),
      );
    for (const r of inserted) expect(r).toEqual(readBack.find((b) => b.id === r.id));
    const byKey = Object.fromEntries(inserted.map((r) => [r.idempotencyKey, r]));
    expect(byKey.a!.context).toEqual({ date: '2026-12-04', nested: { n: 1, quote: 'l’été "chaud"' } });
    expect(byKey.a!.scheduledAt).toEqual(new Date('2026-12-04T09:00:00.123Z'));
    expect(byKey.a!.createdAt).toBeInstanceOf(Date);
    expect(byKey.a!.status).toBe('pending');
    expect(byKey.a!.attempts).toBe(0);
    expect(byKey.b!.recipientAddress).toBeNull();
    expect(byKey.c!.status).toBe('skipped');
    expect(byKey.c!.skipReason).toBe('toggle_off');
  });

  it('skips and leaves out rows that conflict, with onConflictDoNothing', async () => {
    await insertMany(client.db, notificationLog, [row('dup')]);
    const inserted = await insertMany(client.db, notificationLog, [row('dup'), row('new')], {
      onConflictDoNothing: notificationLog.idempotencyKey,
    });
    expect(inserted.map((r) => r.idempotencyKey)).toEqual(['new']);
    const dup = await client.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.idempotencyKey, 'dup'));
    expect(dup).toHaveLength(1);
  });

  it('writes nothing of a batch when one row fails, and inserts nothing for no rows', async () => {
    await expect(
      insertMany(client.db, notificationLog, [row('ok'), row('bad', { departmentId: randomUUID() })]),
    ).rejects.toThrow();
    expect(
      await client.db.select().from(notificationLog).where(eq(notificationLog.idempotencyKey, 'ok')),
    ).toHaveLength(0);
    // Rows that go in separate statements (one sets a defaulted column) are all or nothing too.
    await expect(
      insertMany(client.db, notificationLog, [
        row('ok2'),
        row('bad2', { status: 'skipped', departmentId: randomUUID() }),
      ]),
    ).rejects.toThrow();
    expect(
      await client.db.select().from(notificationLog).where(eq(notificationLog.idempotencyKey, 'ok2')),
    ).toHaveLength(0);
    expect(await insertMany(client.db, notificationLog, [])).toEqual([]);
  });

  it('inserts into several tables in one statement, a row referencing another inserted with it', async () => {
    const newDepartment = randomUUID();
    const inserted = await insertTogether(client.db, {
      departments: { table: departments, rows: [{ id: newDepartment, name: 'Conciergerie' }] },
      messages: {
        table: notificationLog,
        rows: [
          row('together-a', { departmentId: newDepartment, context: { n: 1 } }),
          row('together-b', { departmentId: newDepartment, status: 'skipped', skipReason: 'toggle_off' }),
        ],
      },
      nothing: { table: notificationLog, rows: [] },
    });
    expect(inserted.departments).toEqual(
      await client.db.select().from(departments).where(eq(departments.id, newDepartment)),
    );
    const readBack = await client.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.departmentId, newDepartment));
    expect(inserted.messages).toHaveLength(2);
    for (const r of inserted.messages) expect(r).toEqual(readBack.find((b) => b.id === r.id));
    expect(inserted.messages.find((r) => r.idempotencyKey === 'together-a')!.context).toEqual({ n: 1 });
    expect(inserted.nothing).toEqual([]);
  });

  it('writes nothing of several tables when one part fails', async () => {
    const newDepartment = randomUUID();
    await insertMany(client.db, notificationLog, [row('taken')]);
    await expect(
      insertTogether(client.db, {
        departments: { table: departments, rows: [{ id: newDepartment, name: 'Bagagerie' }] },
        messages: { table: notificationLog, rows: [row('taken', { departmentId: newDepartment })] },
      }),
    ).rejects.toMatchObject({ cause: { constraint_name: 'notification_log_idempotency_unique' } });
    expect(await client.db.select().from(departments).where(eq(departments.id, newDepartment))).toEqual([]);
  });
});
