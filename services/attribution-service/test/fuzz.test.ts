import { clients, loans, notificationLog, scheduledReminders } from '@rappel/db';
import { count } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const rowCounts = async () =>
  Promise.all(
    [loans, clients, scheduledReminders, notificationLog].map(
      async (t) => (await h.db.select({ n: count() }).from(t))[0]!.n,
    ),
  );

/** Plausible field names with values of any JSON type, plus arbitrary JSON. */
const value = fc.oneof(
  fc.jsonValue(),
  fc.uuid(),
  fc.string({ maxLength: 8 }).map((text) => `${text}\u0000${text}`),
  fc.constantFrom(
    '2026-12-04',
    '2026-12-04T10:00:00Z',
    '0000-01-01',
    '0000-01-01T00:00:00Z',
    'Awa\u0000Ndong',
    '25:00',
    '10:00',
    'guest',
    'room',
    '+24106123456',
    '',
  ),
);
const plausible = fc.dictionary(
  fc.constantFrom(
    'itemId',
    'clientId',
    'roomId',
    'responsibleUserId',
    'dueAt',
    'dueDate',
    'dueTime',
    'startsAt',
    'kind',
    'fullName',
    'phone',
    'email',
    'language',
    'departmentId',
    'stayStart',
    'stayEnd',
    'notes',
    'roomNumber',
    'preferences',
    '__proto__',
    'constructor',
  ),
  value,
);
const body = fc.oneof(fc.jsonValue(), plausible);

it('random JSON bodies never give a 5xx and never write a row', async () => {
  const before = await rowCounts();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('/v1/loans', '/v1/clients'), body, async (url, payload) => {
      const res = await h.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
        payload: JSON.stringify(payload) ?? '',
      });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.json().code).toEqual(expect.any(String));
      // A 400 names the field at fault ("body" when the JSON cannot be read at all).
      if (res.statusCode === 400) expect(res.json().field, res.body).toEqual(expect.any(String));
    }),
    { numRuns: 300 },
  );
  expect(await rowCounts()).toEqual(before);
});
