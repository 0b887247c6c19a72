import { apiKeys } from '@rappel/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('API keys', () => {
  it.each([
    ['no header', null],
    ['a malformed key', 'not-a-key'],
    ['an unknown key', `rpl_0123456789ab_${'a'.repeat(43)}`],
  ])('refuses %s with 401 and a clear body', async (_label, key) => {
    const res = await h.api('GET', '/v1/departments', undefined, { key });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', error: 'Unauthorized' });
    expect(res.json().message).toContain('Authorization');
  });

  it('refuses a key whose secret is wrong or which is revoked', async () => {
    const created = await createApiKey(h.db, { name: 'tmp', departmentId: null });
    const tampered = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    expect((await h.api('GET', '/v1/departments', undefined, { key: tampered })).statusCode).toBe(401);
    expect((await h.api('GET', '/v1/departments', undefined, { key: created.key })).statusCode).toBe(200);
    await revokeApiKey(h.db, created.id, h.clock.now());
    expect((await h.api('GET', '/v1/departments', undefined, { key: created.key })).statusCode).toBe(401);
  });

  it('stores only a hash and records use at most once a minute', async () => {
    const created = await createApiKey(h.db, { name: 'usage', departmentId: null });
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.keyHash).not.toContain(created.key.split('_')[2]);
    expect(row!.lastUsedAt).toBeNull();
    const lastUsed = async () =>
      (await h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)))[0]!.lastUsedAt?.toISOString();
    await h.api('GET', '/v1/departments', undefined, { key: created.key });
    expect(await lastUsed()).toBe('2026-12-01T08:00:00.000Z');
    h.clock.advance(30_000);
    await h.api('GET', '/v1/departments', undefined, { key: created.key });
    expect(await lastUsed()).toBe('2026-12-01T08:00:00.000Z');
    h.clock.advance(40_000);
    await h.api('GET', '/v1/departments', undefined, { key: created.key });
    expect(await lastUsed()).toBe('2026-12-01T08:01:10.000Z');
    h.clock.set('2026-12-01T08:00:00Z');
  });

  it('health, metrics and docs need no key', async () => {
    for (const url of ['/livez', '/readyz', '/metrics', '/docs/json']) {
      expect((await h.api('GET', url, undefined, { key: null })).statusCode).toBe(200);
    }
  });
});

describe('a department-scoped key', () => {
  it('sees only its department: 404 for foreign ids, its own rows in lists', async () => {
    const mine = await h.fx.scene();
    const theirs = await h.fx.scene();
    const { key } = await createApiKey(h.db, { name: 'reception', departmentId: mine.department.id });
    const loan = await h.api('POST', '/v1/loans', {
      itemId: theirs.item.id,
      clientId: theirs.client.id,
      responsibleUserId: theirs.staff.id,
      dueDate: '2026-12-04',
    });
    expect(loan.statusCode).toBe(201);
    const foreignLoan = loan.json().loan.id;

    for (const url of [
      `/v1/loans/${foreignLoan}`,
      `/v1/clients/${theirs.client.id}`,
      `/v1/clients/${theirs.client.id}/preferences`,
      `/v1/users/${theirs.staff.id}`,
      `/v1/items/${theirs.item.id}`,
      `/v1/departments/${theirs.department.id}`,
    ]) {
      const res = await h.api('GET', url, undefined, { key });
      expect(res.statusCode, url).toBe(404);
    }
    for (const url of [`/v1/loans/${foreignLoan}/return`, `/v1/loans/${foreignLoan}/remind`]) {
      expect((await h.api('POST', url, undefined, { key })).statusCode).toBe(404);
    }
    const borrow = await h.api(
      'POST',
      '/v1/loans',
      {
        itemId: theirs.item.id,
        clientId: mine.client.id,
        responsibleUserId: mine.staff.id,
        dueDate: '2026-12-04',
      },
      { key },
    );
    expect(borrow.statusCode).toBe(404);
    expect(borrow.json().code).toBe('ITEM_NOT_FOUND');

    const own = await h.api(
      'POST',
      '/v1/loans',
      {
        itemId: mine.item.id,
        clientId: mine.client.id,
        responsibleUserId: mine.staff.id,
        dueDate: '2026-12-04',
      },
      { key },
    );
    expect(own.statusCode).toBe(201);
    const list = await h.api('GET', '/v1/loans', undefined, { key });
    expect(list.json().items.map((l: { id: string }) => l.id)).toEqual([own.json().loan.id]);
    const asked = await h.api('GET', `/v1/loans?departmentId=${theirs.department.id}`, undefined, { key });
    expect(asked.json().items).toEqual([]);
    const clients = await h.api('GET', '/v1/clients', undefined, { key });
    expect(clients.json().items.map((c: { id: string }) => c.id)).toEqual([mine.client.id]);
    const departments = await h.api('GET', '/v1/departments', undefined, { key });
    expect(departments.json().items.map((d: { id: string }) => d.id)).toEqual([mine.department.id]);

    const created = await h.api('POST', '/v1/clients', { kind: 'guest', fullName: 'Jean Mba' }, { key });
    expect(created.json().departmentId).toBe(mine.department.id);
    const elsewhere = await h.api(
      'POST',
      '/v1/clients',
      { kind: 'guest', fullName: 'Jean Mba', departmentId: theirs.department.id },
      { key },
    );
    expect(elsewhere.statusCode).toBe(404);
    expect((await h.api('POST', '/v1/departments', { name: 'Spa' }, { key })).statusCode).toBe(403);
  });
});
