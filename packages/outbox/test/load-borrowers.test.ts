import { randomUUID } from 'node:crypto';
import { createTestDatabase, fixtures, type TestDatabase } from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBorrower, loadBorrowers } from '../src';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.drop();
});

describe('loadBorrowers', () => {
  it('gives, in one call, what loadBorrower gives for each loan (client, room, preferences or none)', async () => {
    const f = fixtures(tdb.db);
    const scene = await f.scene({ whatsapp: true });
    const plainClient = await f.client(scene.department.id, { language: 'en' });
    const room = await f.room(scene.department.id);
    await f.preferences({ userId: scene.staff.id }, { emailEnabled: false });
    const dates = { startsAt: new Date('2026-12-01T08:00:00Z'), dueAt: new Date('2026-12-04T09:00:00Z') };
    const loan = async (borrower: { clientId: string } | { roomId: string }) =>
      (
        await f.loanWithPlan({
          departmentId: scene.department.id,
          itemId: (await f.item(scene.department.id)).id,
          responsibleUserId: scene.staff.id,
          ...borrower,
          ...dates,
        })
      ).loan.id;
    const ids = [
      await loan({ clientId: scene.client.id }),
      await loan({ clientId: plainClient.id }),
      await loan({ roomId: room.id }),
    ];

    const batch = await loadBorrowers(tdb.db, [...ids, randomUUID()]);

    expect(batch.size).toBe(3);
    for (const id of ids) expect(batch.get(id)).toEqual(await loadBorrower(tdb.db, id));
    expect(batch.get(ids[0]!)).toMatchObject({ type: 'client', preferences: { whatsappEnabled: true } });
    expect(batch.get(ids[1]!)).toMatchObject({ type: 'client', language: 'en', preferences: null });
    expect(batch.get(ids[2]!)).toMatchObject({
      type: 'user',
      id: scene.staff.id,
      preferences: { emailEnabled: false },
    });
    expect(await loadBorrowers(tdb.db, [])).toEqual(new Map());
  });
});
