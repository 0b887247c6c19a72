import { clients, notificationLog } from '@rappel/db';
import { count, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/notifications/history';
import { type Harness, logRow, Session, startHarness } from './harness';

/**
 * The JSON API fuzzed as a department manager: random filters, cursors, date ranges and ids.
 * Never a 5xx, a 4xx has a clear body, and manager A never sees a row of department B.
 */

let h: Harness;
let managerA: Session;
const rowsB: string[] = [];
const rowsA: string[] = [];

beforeAll(async () => {
  h = await startHarness('fuzz-api');
  await h.database.db
    .update(clients)
    .set({ fullName: '<script>alert("x")</script> Awa' })
    .where(eq(clients.id, h.clientA.id));
  const base = Date.parse('2026-11-20T10:00:00Z');
  for (let i = 0; i < 6; i++) {
    const createdAt = new Date(base + i * 3_600_000);
    rowsA.push((await logRow(h, { departmentId: h.deptA.id, status: 'sent', createdAt })).id);
    rowsB.push(
      (await logRow(h, { departmentId: h.deptB.id, status: 'sent', recipientId: h.clientB.id, createdAt }))
        .id,
    );
  }
  managerA = new Session(h.app);
  expect((await managerA.signIn(h.users.managerA.email)).statusCode).toBe(303);
});
afterAll(async () => {
  await h?.close();
});

const dateArb = fc.oneof(
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', '0000-01-01', '9999-12-31', '+275760-09-13', '2026-13-01', 'yesterday', ''),
  fc.string({ maxLength: 12 }),
);

const cursorArb = fc.oneof(
  fc.string({ maxLength: 250 }),
  fc.base64String({ maxLength: 120 }),
  fc
    .tuple(
      fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      fc.oneof(fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000')),
    )
    .map(([d, id]) => encodeCursor(d.toISOString(), id)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
);

const idArb = () =>
  fc.oneof(
    fc.uuid(),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('x'.repeat(3000), '😀', '%00', '..', 'null'),
    fc.constant(null).map(() => rowsB[0]!),
  );

const validDate = fc
  .date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** Filters a manager could really send, so that many requests reach the query. */
const validFilterArb = fc.record(
  {
    status: fc.constantFrom('sent', 'permanent_failure', 'delivered'),
    channel: fc.constantFrom('email', 'whatsapp'),
    recipient: fc.constant(null).map(() => h.clientB.id),
    from: validDate,
    cursor: fc
      .tuple(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }),
        fc.uuid(),
      )
      .map(([d, id]) => encodeCursor(d.toISOString(), id)),
    limit: fc.integer({ min: 1, max: 200 }).map(String),
  },
  { requiredKeys: [] },
);

const fuzzFilterArb = fc.record(
  {
    status: fc.oneof(fc.constantFrom('sent', 'permanent_failure', 'sent,failed', 'bogus'), fc.string()),
    channel: fc.oneof(fc.constantFrom('email', 'whatsapp', 'sms'), fc.string()),
    kind: fc.oneof(fc.constantFrom('loan_created', 'reminder_d1', 'nope'), fc.string()),
    department: fc.oneof(
      fc.constant(null).map(() => h.deptB.id),
      fc.constant(null).map(() => h.deptA.id),
      fc.string(),
    ),
    loan: fc.oneof(fc.uuid(), fc.string()),
    recipient: fc.oneof(
      fc.constant(null).map(() => h.clientB.id),
      fc.string({ maxLength: 400 }),
      fc.emailAddress(),
    ),
    from: dateArb,
    to: dateArb,
    cursor: cursorArb,
    limit: fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), fc.string({ maxLength: 5 })),
  },
  { requiredKeys: [] },
);

const filterArb = fc.oneof(
  validFilterArb,
  fuzzFilterArb,
  fuzzFilterArb.map((f) => ({ limit: f.limit ?? '1' })),
);

const qs = (query: Record<string, string>) => {
  const s = new URLSearchParams(query).toString();
  return s ? `?${s}` : '';
};

function expectClearRefusal(res: { statusCode: number; body: string; json(): unknown }, label: string) {
  expect(res.statusCode, label).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = res.json() as { statusCode?: number; code?: unknown; message?: unknown };
    expect(body.statusCode, label).toBe(res.statusCode);
    expect(body.code, label).toEqual(expect.any(String));
    expect(body.message, label).toEqual(expect.any(String));
  }
}

const tally: Record<string, number> = {};
const seen = (route: string, status: number) => {
  tally[`${route} ${status}`] = (tally[`${route} ${status}`] ?? 0) + 1;
};

const logCount = async () => (await h.database.db.select({ n: count() }).from(notificationLog))[0]!.n;

describe('JSON API fuzzed as a manager', () => {
  it('GET /v1/stats with random ranges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { from: dateArb, to: dateArb, department: fuzzFilterArb.map((f) => f.department ?? '') },
          {
            requiredKeys: [],
          },
        ),
        async (query) => {
          const url = `/v1/stats${qs(query as Record<string, string>)}`;
          const res = await managerA.request('GET', url);
          expectClearRefusal(res, `${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (res.statusCode === 200) expect(res.body).not.toContain(h.deptB.id);
        },
      ),
      { numRuns: 100, seed: 42 },
    );
  });

  it('GET /v1/notifications with random filters and cursors never leaks department B', async () => {
    await fc.assert(
      fc.asyncProperty(filterArb, async (query) => {
        const url = `/v1/notifications${qs(query as Record<string, string>)}`;
        const res = await managerA.request('GET', url);
        seen('list', res.statusCode);
        const label = `${url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expectClearRefusal(res, label);
        if (res.statusCode === 200) {
          for (const id of rowsB) expect(res.body, label).not.toContain(id);
          expect(res.body, label).not.toContain(h.deptB.id);
        }
      }),
      { numRuns: 150, seed: 43 },
    );
  });

  it('GET /v1/notifications/{id} with random ids', async () => {
    await fc.assert(
      fc.asyncProperty(idArb(), async (id) => {
        const url = `/v1/notifications/${encodeURIComponent(id)}`;
        const res = await managerA.request('GET', url);
        expectClearRefusal(res, `${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (rowsB.includes(id)) expect(res.statusCode).toBe(404);
      }),
      { numRuns: 100, seed: 44 },
    );
  });

  it('replay endpoints with random ids, filters and bodies write no row for department B', async () => {
    const before = await logCount();
    const statusB = async () =>
      (
        await h.database.db.select().from(notificationLog).where(eq(notificationLog.departmentId, h.deptB.id))
      ).map((r) => `${r.id}:${r.status}:${r.attempts}`);
    const bBefore = await statusB();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          idArb().map((id) => `/v1/notifications/${encodeURIComponent(id)}/replay`),
          filterArb.map((f) => `/v1/notifications/replay${qs(f as Record<string, string>)}`),
        ),
        fc.jsonValue(),
        async (url, body) => {
          const res = await managerA.post(url, body);
          seen('replay', res.statusCode);
          expectClearRefusal(res, `${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        },
      ),
      { numRuns: 100, seed: 45 },
    );
    expect(await statusB()).toEqual(bBefore);
    expect(await logCount()).toBe(before);
    console.log(`statuses: ${JSON.stringify(tally)}`);
    expect(tally['list 200']).toBeGreaterThan(0);
  });
});

describe('markup in a recipient name', () => {
  it('is escaped on the history page and the detail page', async () => {
    for (const url of ['/notifications', `/notifications/${rowsA[0]}`]) {
      const res = await managerA.request('GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('&lt;script&gt;');
      expect(res.body, url).not.toContain('<script>alert');
    }
  });
});
