import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys';
import { type Harness, startHarness } from './harness';

/**
 * Partial updates: fields left out keep their value, and a body that leaves every field out
 * (a form saved without changes) answers the row as it is, with the same scoping as a change.
 */

let h: Harness;
let own: Awaited<ReturnType<Harness['fx']['scene']>>;
let foreign: Awaited<ReturnType<Harness['fx']['scene']>>;
let scopedKey: string;
beforeAll(async () => {
  h = await startHarness();
  own = await h.fx.scene();
  foreign = await h.fx.scene();
  scopedKey = (await createApiKey(h.db, { name: 'desk', departmentId: own.department.id })).key;
});
afterAll(() => h.close());

const routes = [
  {
    resource: 'clients',
    id: () => own.client.id,
    foreignId: () => foreign.client.id,
    code: 'CLIENT_NOT_FOUND',
  },
  { resource: 'users', id: () => own.staff.id, foreignId: () => foreign.staff.id, code: 'USER_NOT_FOUND' },
  { resource: 'items', id: () => own.item.id, foreignId: () => foreign.item.id, code: 'ITEM_NOT_FOUND' },
] as const;

describe.each(routes)('PATCH /v1/$resource/{id}', ({ resource, id, foreignId, code }) => {
  it('with an empty body answers 200 and the row unchanged', async () => {
    const before = await h.api('GET', `/v1/${resource}/${id()}`);
    expect(before.statusCode).toBe(200);
    for (const key of [h.key, scopedKey]) {
      const res = await h.api('PATCH', `/v1/${resource}/${id()}`, {}, { key });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(before.json());
    }
    expect((await h.api('GET', `/v1/${resource}/${id()}`)).json()).toEqual(before.json());
  });

  it('with an empty body is still a 404 for a row the key cannot see, or no row at all', async () => {
    const hidden = await h.api('PATCH', `/v1/${resource}/${foreignId()}`, {}, { key: scopedKey });
    expect(hidden.statusCode, hidden.body).toBe(404);
    expect(hidden.json().code).toBe(code);
    const missing = await h.api('PATCH', `/v1/${resource}/${randomUUID()}`, {});
    expect(missing.statusCode, missing.body).toBe(404);
    expect(missing.json().code).toBe(code);
  });

  it('changes only the fields given', async () => {
    const before = (await h.api('GET', `/v1/${resource}/${id()}`)).json();
    const field = resource === 'items' ? 'name' : 'fullName';
    const res = await h.api('PATCH', `/v1/${resource}/${id()}`, { [field]: 'Nouveau nom' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...before, [field]: 'Nouveau nom' });
  });
});

describe('PUT /v1/{clients,users}/{id}/preferences', () => {
  it('with an empty body answers 200 and keeps every value', async () => {
    for (const url of [`/v1/clients/${own.client.id}/preferences`, `/v1/users/${own.staff.id}/preferences`]) {
      const saved = await h.api('PUT', url, { reminderD1: false });
      expect(saved.statusCode, saved.body).toBe(200);
      const res = await h.api('PUT', url, {});
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(saved.json());
      const hidden = await h.api(
        'PUT',
        url.replace(own.client.id, foreign.client.id).replace(own.staff.id, foreign.staff.id),
        {},
        { key: scopedKey },
      );
      expect(hidden.statusCode, hidden.body).toBe(404);
    }
  });
});
