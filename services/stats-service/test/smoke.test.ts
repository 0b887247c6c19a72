import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logRow, Session, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('smoke');
});
afterAll(async () => {
  await h?.close();
});

describe('smoke', () => {
  it('signs in and reads stats', async () => {
    await logRow(h, { departmentId: h.deptA.id, status: 'sent', sentAt: new Date() });
    const s = new Session(h.app);
    const res = await s.signIn(h.users.managerA.email);
    expect(res.statusCode).toBe(303);
    const stats = await s.request('GET', '/v1/stats');
    expect(stats.statusCode, stats.body).toBe(200);
    expect(stats.json().totals.total).toBe(1);
    const page = await s.request('GET', '/');
    expect(page.statusCode, page.body).toBe(200);
  });
});
