import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys';
import { type Harness, startHarness } from './harness';

/**
 * Every REST route of the service, read from its own OpenAPI document, fuzzed in body, query
 * and path: never a 5xx, a 4xx always carries `code` (and `field` when 400), and a refused
 * request leaves the row count of every table unchanged.
 */

let h: Harness;
let scopedKey: string;
let own: Awaited<ReturnType<Harness['fx']['scene']>>;
let foreign: Awaited<ReturnType<Harness['fx']['scene']>>;
let ownLoanId: string;
let foreignLoanId: string;
let countSql: ReturnType<typeof sql.raw>;
let routes: { method: string; path: string; hasBody: boolean }[] = [];

beforeAll(async () => {
  h = await startHarness();
  own = await h.fx.scene();
  foreign = await h.fx.scene();
  scopedKey = (await createApiKey(h.db, { name: 'desk', departmentId: own.department.id })).key;
  const mk = async (s: typeof own) =>
    (
      await h.fx.loanWithPlan({
        departmentId: s.department.id,
        itemId: s.item.id,
        clientId: s.client.id,
        responsibleUserId: s.staff.id,
        startsAt: new Date('2026-12-01T08:00:00Z'),
        dueAt: new Date('2026-12-04T09:00:00Z'),
      } as Parameters<Harness['fx']['loanWithPlan']>[0])
    ).loan.id;
  ownLoanId = await mk(own);
  foreignLoanId = await mk(foreign);

  const tables = (await h.db.execute<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  )) as unknown as { tablename: string }[];
  countSql = sql.raw(
    `select ${tables.map((t) => `(select count(*) from "${t.tablename}")::int as "${t.tablename}"`).join(', ')}`,
  );

  const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  };
  routes = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: op.requestBody !== undefined || ['post', 'put', 'patch'].includes(method),
      })),
    );
});
afterAll(() => h.close());

const rowCounts = async () =>
  ((await h.db.execute(countSql)) as unknown as Record<string, number>[])[0] as Record<string, number>;

const idArb = () =>
  fc.oneof(
    fc.constantFrom(
      own.department.id,
      own.client.id,
      own.item.id,
      own.staff.id,
      ownLoanId,
      foreign.department.id,
      foreign.client.id,
      foreign.item.id,
      foreign.staff.id,
      foreign.manager.id,
      foreignLoanId,
    ),
    fc.uuid(),
    fc.string(),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.constantFrom('x'.repeat(5000), '..', '%2e%2e', '%00', '😀', 'null', '0', '-1', 'ＡＢＣ'),
  );

const fieldNames = [
  'itemId',
  'clientId',
  'roomId',
  'responsibleUserId',
  'dueAt',
  'dueDate',
  'dueTime',
  'startsAt',
  'notes',
  'kind',
  'fullName',
  'name',
  'phone',
  'email',
  'language',
  'role',
  'departmentId',
  'inventoryNumber',
  'deskLocation',
  'roomNumber',
  'stayStart',
  'stayEnd',
  'preferences',
  'emailEnabled',
  'whatsappEnabled',
  'reason',
  '__proto__',
  'constructor',
];

const valueArb = () =>
  fc.oneof(
    fc.jsonValue(),
    idArb(),
    fc.constantFrom(
      '2026-12-04',
      '2026-12-04T10:00:00Z',
      '+275760-09-13T00:00:00Z',
      '0000-01-01',
      '25:00',
      '10:00',
      'guest',
      'room',
      'dept_manager',
      '+24106123456',
      'a@b.test',
      '',
      true,
      -1,
      1e308,
    ),
  );

/** A plausible object with one field mutated, or anything JSON. */
const nearValid = () =>
  fc
    .record({
      base: fc.constantFrom<Record<string, unknown>>(
        {
          itemId: own.item.id,
          clientId: own.client.id,
          responsibleUserId: own.staff.id,
          dueDate: '2026-12-04',
        },
        { kind: 'guest', fullName: 'Awa Ndong', phone: '+24106123456', departmentId: own.department.id },
        { name: 'Salle', departmentId: own.department.id },
        { dueDate: '2026-12-05', dueTime: '11:00' },
        { email: { enabled: true }, whatsapp: { enabled: false } },
      ),
      field: fc.constantFrom(...fieldNames),
      value: valueArb(),
    })
    .map(({ base, field, value }) => ({ ...base, [field]: value }));

const bodyArb = () =>
  fc.oneof(
    fc.jsonValue(),
    fc.anything(),
    nearValid(),
    fc.dictionary(fc.constantFrom(...fieldNames), valueArb()),
  );

const queryArb = () =>
  fc.dictionary(
    fc.oneof(
      fc.constantFrom('status', 'departmentId', 'clientId', 'itemId', 'roomId', 'limit', 'cursor', 'q'),
      fc.string({ maxLength: 10 }),
    ),
    fc.oneof(idArb(), fc.string(), fc.integer().map(String)),
    { maxKeys: 4 },
  );

function fillPath(path: string, ids: string[]): string {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(ids[i++] ?? 'x'));
}

function json(payload: unknown): string {
  try {
    return JSON.stringify(payload) ?? '';
  } catch {
    return '{';
  }
}

describe('every REST route', () => {
  it('is read from the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /v1/loans', 'GET /v1/loans/{id}', 'PUT /v1/clients/{id}/preferences']),
    );
  });

  it('never answers 5xx, answers 4xx with a code and field, and writes nothing when refusing', async () => {
    let before = await rowCounts();
    let requests = 0;
    const statuses: Record<number, number> = {};
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(idArb(), { minLength: 2, maxLength: 2 }),
          queryArb(),
          bodyArb(),
          fc.boolean(),
          async (ids, query, payload, scoped) => {
            const qs = new URLSearchParams(query as Record<string, string>).toString();
            const url = `${fillPath(route.path, ids)}${qs ? `?${qs}` : ''}`;
            const res = await h.app.inject({
              method: route.method as 'GET',
              url,
              headers: {
                authorization: `Bearer ${scoped ? scopedKey : h.key}`,
                ...(route.hasBody ? { 'content-type': 'application/json' } : {}),
              },
              ...(route.hasBody ? { payload: json(payload) } : {}),
            });
            requests += 1;
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            const label = `${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect(res.statusCode, label).toBeLessThan(500);
            const after = await rowCounts();
            if (res.statusCode >= 400) {
              const body = res.json();
              expect(body.code, label).toEqual(expect.any(String));
              expect(body.statusCode, label).toBe(res.statusCode);
              // Every 400 names the field at fault ("body" when the JSON cannot be read at all).
              if (res.statusCode === 400) expect(body.field, label).toEqual(expect.any(String));
              expect(after, label).toEqual(before);
            }
            if (scoped && res.statusCode < 300) expect(res.body, label).not.toContain(foreign.department.id);
            before = after;
          },
        ),
        { numRuns: 100, seed: 20261201, endOnFailure: true },
      );
    }
    console.log(`fuzzed ${routes.length} routes, ${requests} requests, statuses ${JSON.stringify(statuses)}`);
  }, 120_000);
});

it('a random uuid is never found', async () => {
  const res = await h.api('GET', `/v1/loans/${randomUUID()}`);
  expect(res.statusCode).toBe(404);
});
