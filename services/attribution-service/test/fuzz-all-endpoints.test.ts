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
  'assetId',
  'deskLocation',
  'roomNumber',
  'stayStart',
  'stayEnd',
  'preferences',
  'emailEnabled',
  'whatsappEnabled',
  'whatsappNumber',
  'whatsappConsentSource',
  'reason',
  '__proto__',
  'constructor',
];

/** Text Postgres refuses (U+0000) or we do (other control characters). */
const controlTextArb = () =>
  fc.oneof(
    fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\n'),
      )
      .map(([text, control]) => `${text}${control}${text}`),
    fc.constantFrom('\u0000', 'INV\u0000-1', 'Awa\u0000Ndong'),
  );

const valueArb = () =>
  fc.oneof(
    fc.jsonValue(),
    idArb(),
    controlTextArb(),
    fc.constantFrom(
      '2026-12-04',
      '2026-12-04T10:00:00Z',
      '+275760-09-13T00:00:00Z',
      '0000-01-01',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:30:00+01:00',
      '0001-01-01',
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
        { name: 'Projecteur', inventoryNumber: 'INV-FUZZ', departmentId: own.department.id },
        {
          email: 'fuzz@hotel.test',
          fullName: 'Awa Ndong',
          role: 'dept_user',
          departmentId: own.department.id,
        },
        { fullName: 'Awa Ndong', stayStart: '2026-12-01' },
        { whatsappConsentSource: 'desk', reminderD1: false },
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

/** Control characters (U+0000–U+001F, U+007F–U+009F), and those free text may not hold. */
const controlArb = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }));
const notLayout = controlArb.filter((code) => ![0x09, 0x0a, 0x0d].includes(code));
/** Text around a control character that trimming cannot remove. */
const withControl = (code: fc.Arbitrary<number>) =>
  fc
    .tuple(fc.string({ maxLength: 8 }), code, fc.string({ maxLength: 8 }))
    .map(([before, c, after]) => `${before}x${String.fromCharCode(c)}x${after}`);
const pad = (n: number) => String(n).padStart(2, '0');
/** Calendar dates in year 0000, which Postgres does not have. */
const yearZeroDate = fc
  .date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2001-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => `0000-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`);
/** Instants whose UTC year is 0000 or 10000, whatever their local year. */
const unstorableInstant = fc.oneof(
  yearZeroDate.map((date) => `${date}T12:00:00Z`),
  fc
    .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 14 }))
    .map(([m, h]) => `0001-01-01T00:${pad(m)}:00+${pad(h)}:00`),
  fc
    .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 12 }))
    .map(([m, h]) => `9999-12-31T23:${pad(m)}:00-${pad(h)}:00`),
);

it('a control character or a date Postgres cannot store, in an otherwise valid body, is a 400 on that field', async () => {
  const dept = () => ({ departmentId: own.department.id });
  const targets: {
    method: 'POST' | 'PATCH' | 'PUT';
    url: () => string;
    body: () => Record<string, unknown>;
    fields: [string, fc.Arbitrary<string>][];
  }[] = [
    {
      method: 'POST',
      url: () => '/v1/clients',
      body: () => ({ ...dept(), kind: 'guest', fullName: 'Awa Ndong' }),
      fields: [
        ['fullName', withControl(controlArb)],
        ['roomNumber', withControl(controlArb)],
        ['phone', withControl(controlArb)],
        ['stayStart', yearZeroDate],
        ['stayEnd', yearZeroDate],
      ],
    },
    {
      method: 'PATCH',
      url: () => `/v1/clients/${own.client.id}`,
      body: () => ({}),
      fields: [
        ['fullName', withControl(controlArb)],
        ['roomNumber', withControl(controlArb)],
        ['stayEnd', yearZeroDate],
      ],
    },
    {
      method: 'POST',
      url: () => '/v1/users',
      body: () => ({ ...dept(), email: 'fuzz-text@hotel.test', fullName: 'Awa Ndong', role: 'dept_user' }),
      fields: [
        ['fullName', withControl(controlArb)],
        ['phone', withControl(controlArb)],
      ],
    },
    {
      method: 'PATCH',
      url: () => `/v1/users/${own.staff.id}`,
      body: () => ({}),
      fields: [['fullName', withControl(controlArb)]],
    },
    {
      method: 'POST',
      url: () => '/v1/items',
      body: () => ({ ...dept(), name: 'Projecteur', inventoryNumber: 'INV-FUZZ-TEXT' }),
      fields: [
        ['name', withControl(controlArb)],
        ['inventoryNumber', withControl(controlArb)],
        ['assetId', withControl(controlArb)],
      ],
    },
    {
      method: 'PATCH',
      url: () => `/v1/items/${own.item.id}`,
      body: () => ({}),
      fields: [['inventoryNumber', withControl(controlArb)]],
    },
    {
      method: 'POST',
      url: () => '/v1/departments',
      body: () => ({ name: 'Spa fuzz' }),
      fields: [
        ['name', withControl(controlArb)],
        ['deskLocation', withControl(controlArb)],
      ],
    },
    {
      method: 'POST',
      url: () => '/v1/rooms',
      body: () => ({ ...dept(), name: 'Salle fuzz' }),
      fields: [['name', withControl(controlArb)]],
    },
    {
      method: 'POST',
      url: () => '/v1/loans',
      body: () => ({
        itemId: own.item.id,
        clientId: own.client.id,
        responsibleUserId: own.staff.id,
        dueDate: '2026-12-04',
      }),
      fields: [
        ['notes', withControl(notLayout)],
        ['startsAt', unstorableInstant],
        ['dueDate', yearZeroDate],
      ],
    },
    {
      method: 'PUT',
      url: () => `/v1/clients/${own.client.id}/preferences`,
      body: () => ({}),
      fields: [
        ['whatsappConsentSource', withControl(controlArb)],
        ['whatsappNumber', withControl(controlArb)],
      ],
    },
  ];
  const cases = fc.oneof(
    ...targets.flatMap((target) =>
      target.fields.map(([field, arb]) => arb.map((value) => ({ ...target, field, value }))),
    ),
  );
  const before = await rowCounts();
  await fc.assert(
    fc.asyncProperty(cases, fc.boolean(), async ({ method, url, body, field, value }, scoped) => {
      const res = await h.api(method, url(), { ...body(), [field]: value }, scoped ? { key: scopedKey } : {});
      const label = `${method} ${url()} ${field}=${JSON.stringify(value)} → ${res.body.slice(0, 300)}`;
      expect(res.statusCode, label).toBe(400);
      expect(res.json(), label).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }),
    { numRuns: 400, seed: 20261201 },
  );
  expect(await rowCounts()).toEqual(before);
});
