import { UNREACHABLE_REDIS_URL } from '@rappel/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ redisUrl: UNREACHABLE_REDIS_URL });
});
afterAll(() => h.close());

it('Redis down: the loan is still created (201) and its rows stay pending for the relay', async () => {
  const s = await h.fx.scene({ whatsapp: true });
  const res = await h.api('POST', '/v1/loans', {
    itemId: s.item.id,
    clientId: s.client.id,
    responsibleUserId: s.staff.id,
    dueDate: '2026-12-04',
  });
  expect(res.statusCode).toBe(201);
  const rows = await h.logRows(res.json().loan.id);
  expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
    ['email', 'pending'],
    ['whatsapp', 'pending'],
  ]);
  expect((await h.planRows(res.json().loan.id)).length).toBeGreaterThan(0);

  const returned = await h.api('POST', `/v1/loans/${res.json().loan.id}/return`);
  expect(returned.statusCode).toBe(200);
  expect(returned.json().notifications.every((n: { status: string }) => n.status === 'pending')).toBe(true);
});
