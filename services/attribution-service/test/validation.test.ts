import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
let s: Awaited<ReturnType<Harness['fx']['scene']>>;
let roomId: string;
let foreignStaffId: string;
beforeAll(async () => {
  h = await startHarness();
  s = await h.fx.scene();
  roomId = (await h.fx.room(s.department.id)).id;
  foreignStaffId = (await h.fx.scene()).staff.id;
});
afterAll(() => h.close());

const loan = (overrides: Record<string, unknown>) => ({
  itemId: s.item.id,
  clientId: s.client.id,
  responsibleUserId: s.staff.id,
  dueDate: '2026-12-04',
  ...overrides,
});

describe('POST /v1/loans refuses bad input with 400 and the field', () => {
  const cases: [string, () => Record<string, unknown>, string][] = [
    ['no item', () => loan({ itemId: undefined }), 'itemId'],
    ['an item id that is not a uuid', () => loan({ itemId: 'abc' }), 'itemId'],
    ['both client and room', () => loan({ roomId }), 'roomId'],
    ['neither client nor room', () => loan({ clientId: undefined }), 'clientId'],
    ['no responsible user', () => loan({ responsibleUserId: undefined }), 'responsibleUserId'],
    [
      'a responsible user of another department',
      () => loan({ responsibleUserId: foreignStaffId }),
      'responsibleUserId',
    ],
    ['no due at all', () => loan({ dueDate: undefined }), 'dueAt'],
    ['both dueAt and dueDate', () => loan({ dueAt: '2026-12-04T10:00:00Z' }), 'dueDate'],
    [
      'dueTime without dueDate',
      () => loan({ dueDate: undefined, dueAt: '2026-12-04T10:00:00Z', dueTime: '10:00' }),
      'dueTime',
    ],
    ['dueAt without offset', () => loan({ dueDate: undefined, dueAt: '2026-12-04T10:00:00' }), 'dueAt'],
    ['an impossible dueDate', () => loan({ dueDate: '2026-02-30' }), 'dueDate'],
    ['a badly written dueTime', () => loan({ dueTime: '25:00' }), 'dueTime'],
    ['a due date in the past', () => loan({ dueDate: '2026-11-30' }), 'dueDate'],
    [
      'a due instant in the past',
      () => loan({ dueDate: undefined, dueAt: '2026-12-01T08:59:00+01:00' }),
      'dueAt',
    ],
    ['due before start', () => loan({ startsAt: '2026-12-05T10:00:00Z' }), 'dueDate'],
    ['a malformed startsAt', () => loan({ startsAt: 'tomorrow' }), 'startsAt'],
    ['an unknown field', () => loan({ colour: 'red' }), 'colour'],
    ['notes too long', () => loan({ notes: 'x'.repeat(2001) }), 'notes'],
  ];
  it.each(cases)('%s', async (_label, body, field) => {
    const res = await h.api('POST', '/v1/loans', body());
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', error: 'Bad Request' });
    expect(json.field).toBe(field);
    expect(json.details[0].path).toBe(json.field);
  });

  it('a client of another department is refused on clientId', async () => {
    const other = await h.fx.scene();
    const res = await h.api('POST', '/v1/loans', loan({ clientId: other.client.id }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('clientId');
  });

  it('an unknown item is a 404', async () => {
    const res = await h.api('POST', '/v1/loans', loan({ itemId: '00000000-0000-4000-8000-000000000000' }));
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ITEM_NOT_FOUND');
  });
});

describe('messages', () => {
  it('are French by default and English with Accept-Language: en', async () => {
    const fr = await h.api('POST', '/v1/loans', loan({ itemId: 42 }));
    expect(fr.json().message).toMatch(/^itemId : Entrée invalide/);
    const en = await h.api('POST', '/v1/loans', loan({ itemId: 42 }), {
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(en.json().message).toMatch(/^itemId : Invalid input/);
    const phone = await h.api('POST', '/v1/clients', {
      kind: 'guest',
      fullName: 'A',
      phone: '12',
      departmentId: s.department.id,
    });
    expect(phone.json()).toMatchObject({ field: 'phone', message: 'phone : Numéro de téléphone invalide.' });
  });
});

describe('malformed requests never give a 5xx', () => {
  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/loans',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      payload: '{"itemId": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('MALFORMED_JSON');
    expect(res.json().field).toBe('body');
  });

  it('a wrong content type → 415', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/loans',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an oversized body → 413', async () => {
    const res = await h.api('POST', '/v1/loans', { notes: 'x'.repeat(100_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BODY_TOO_LARGE');
  });

  it('an empty body where one is needed → 400 on body', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/loans',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('body');
  });

  it('a bad id in the path → 400 on id; an unknown route → 404', async () => {
    const res = await h.api('GET', '/v1/loans/123');
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('id');
    expect((await h.api('GET', '/v1/nothing')).json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('bad query parameters → 400 on the parameter', async () => {
    for (const [qs, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['status=lost', 'status'],
      ['clientId=x', 'clientId'],
    ]) {
      const res = await h.api('GET', `/v1/loans?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });
});
