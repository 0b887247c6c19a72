import { clients, departments, items, loans, notificationPreferences, rooms, users } from '@rappel/db';
import { DEFAULT_REMINDER_POLICY } from '@rappel/domain';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { type MessageKey, translate } from '../src/http/messages';
import { type Harness, startHarness } from './harness';

let h: Harness;
let s: Awaited<ReturnType<Harness['fx']['scene']>>;
/** The same database behind an app whose site zone is Europe/Paris (APP_TIMEZONE). */
let paris: FastifyInstance;
beforeAll(async () => {
  h = await startHarness();
  s = await h.fx.scene();
  paris = await buildApp({
    db: h.db,
    publisher: { publishAfterCommit: async () => {} } as unknown as Parameters<
      typeof buildApp
    >[0]['publisher'],
    clock: h.clock,
    policy: { ...DEFAULT_REMINDER_POLICY, zone: 'Europe/Paris' },
    logger: false,
  });
});
afterAll(async () => {
  await paris.close();
  await h.close();
});

const loanCount = async () => (await h.db.select({ n: count() }).from(loans))[0]!.n;

/** A loan body on a fresh item, so an accepted loan never blocks the next case. */
async function loanBody(due: Record<string, unknown>) {
  const item = await h.fx.item(s.department.id);
  return { itemId: item.id, clientId: s.client.id, responsibleUserId: s.staff.id, ...due };
}

describe('transport', () => {
  it('a body over the limit is a 413', async () => {
    const res = await h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName: 'x'.repeat(100 * 1024),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE' });
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/jsonx',
  ])('content type %s is a 415', async (type) => {
    const before = await loanCount();
    const res = await h.api('POST', '/v1/loans', JSON.stringify(await loanBody({ dueDate: '2026-12-04' })), {
      headers: { 'content-type': type },
    });
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await loanCount()).toBe(before);
  });

  it('invalid UTF-8 bytes in a JSON body are a 4xx and write nothing', async () => {
    const before = (await h.db.select({ n: count() }).from(clients))[0]!.n;
    const json = Buffer.from(
      JSON.stringify({ departmentId: s.department.id, kind: 'guest', fullName: 'AB' }),
    ).toString();
    const [head, tail] = json.split('AB') as [string, string];
    const payload = Buffer.concat([
      Buffer.from(head),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from(tail),
    ]);
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/clients',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body).toBeLessThan(500);
    expect(res.json().code).toBe('MALFORMED_JSON');
    expect((await h.db.select({ n: count() }).from(clients))[0]!.n).toBe(before);
  });
});

describe('dates at the edges', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['dueAt in year 9999', { dueAt: '9999-12-31T10:00:00Z' }, 'dueAt'],
    ['dueAt in 1970', { dueAt: '1970-01-01T00:00:00Z' }, 'dueAt'],
    ['dueAt in year 0000', { dueAt: '0000-01-01T00:00:00Z' }, 'dueAt'],
    ['dueAt at the end of JS time', { dueAt: '+275760-09-13T00:00:00Z' }, 'dueAt'],
    ['dueAt past the end of JS time', { dueAt: '+275760-09-13T00:00:01Z' }, 'dueAt'],
    ['dueDate 2026-02-30', { dueDate: '2026-02-30' }, 'dueDate'],
    ['dueDate 9999-12-31', { dueDate: '9999-12-31' }, 'dueDate'],
    ['dueDate 0000-01-01', { dueDate: '0000-01-01' }, 'dueDate'],
    ['dueTime 24:00', { dueDate: '2026-12-04', dueTime: '24:00' }, 'dueTime'],
  ];
  it.each(cases)('%s: accepted or a 400 on the field, never a 5xx', async (_label, due, field) => {
    const before = await loanCount();
    const res = await h.api('POST', '/v1/loans', await loanBody(due));
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode === 201) {
      expect(Number.isNaN(Date.parse(res.json().loan.dueAt))).toBe(false);
      expect(await loanCount()).toBe(before + 1);
    } else {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().field).toBe(field);
      expect(await loanCount()).toBe(before);
    }
  });

  it('1970 and year 0000 are refused as past on dueAt', async () => {
    for (const dueAt of ['1970-01-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
      const res = await h.api('POST', '/v1/loans', await loanBody({ dueAt }));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().field).toBe('dueAt');
    }
  });

  it('a due near year 9999 is refused on its field (its overdue alerts would fall past 9999)', async () => {
    for (const due of [{ dueAt: '9999-12-31T10:00:00Z' }, { dueDate: '9999-12-31' }]) {
      const res = await h.api('POST', '/v1/loans', await loanBody(due), {
        headers: { 'accept-language': 'en' },
      });
      expect(res.json()).toMatchObject({ statusCode: 400, field: Object.keys(due)[0] });
      expect(res.json().message).toContain('9000');
    }
  });

  it('2026-02-30 is refused on dueDate', async () => {
    const res = await h.api('POST', '/v1/loans', await loanBody({ dueDate: '2026-02-30' }));
    expect(res.json()).toMatchObject({ statusCode: 400, field: 'dueDate' });
  });

  it('a dueTime inside the Europe/Paris spring gap is resolved forward', async () => {
    const res = await paris.inject({
      method: 'POST',
      url: '/v1/loans',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      payload: await loanBody({ dueDate: '2027-03-28', dueTime: '02:30' }),
    });
    expect(res.statusCode, res.body).toBe(201);
    // 02:30 does not exist on 28 March 2027 in Paris; 03:30 CEST is 01:30Z.
    expect(res.json().loan.dueAt).toBe('2027-03-28T01:30:00.000Z');
  });
});

describe('phone numbers through POST /v1/clients', () => {
  const create = (phone: string) =>
    h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName: 'Awa Ndong',
      phone,
    });

  it.each([
    ['06 12 34 56', '+24106123456'],
    ['06.12.34.56', '+24106123456'],
    ['06-12-34-56', '+24106123456'],
    ['00241 06 12 34 56', '+24106123456'],
    ['+241 06123456', '+24106123456'],
    ['077 12 34 56', '+24177123456'],
    ['0033 6 12 34 56 78', '+33612345678'],
    ['+33.6.12.34.56.78', '+33612345678'],
    ['+33-6-12-34-56-78', '+33612345678'],
  ])('%s is stored as %s', async (phone, e164) => {
    const res = await create(phone);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().phone).toBe(e164);
    const [row] = await h.db.select().from(clients).where(eq(clients.id, res.json().id));
    expect(row?.phone).toBe(e164);
  });

  it.each(['abc', '📞', '+33 6 12 AB 56 78', '1-800-FLOWERS', '+241', '0', '<script>', '9'.repeat(41)])(
    '%s is a 400 on phone and writes nothing',
    async (phone) => {
      const before = (await h.db.select({ n: count() }).from(clients))[0]!.n;
      const res = await create(phone);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'phone' });
      expect((await h.db.select({ n: count() }).from(clients))[0]!.n).toBe(before);
    },
  );
});

describe('names carrying markup', () => {
  it.each([
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    '<mj-section><mj-text>Offert</mj-text></mj-section>',
    "{{ name }} & O'Brien </mjml>",
  ])('%s is stored verbatim and returned as JSON', async (fullName) => {
    const res = await h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().fullName).toBe(fullName);
    const [row] = await h.db.select().from(clients).where(eq(clients.id, res.json().id));
    expect(row?.fullName).toBe(fullName);
    const read = await h.api('GET', `/v1/clients/${res.json().id}`);
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    expect(read.json().fullName).toBe(fullName);
  });
});

describe('text and dates Postgres cannot store are refused on their field', () => {
  const tables = [departments, users, clients, rooms, items, loans, notificationPreferences];
  const rowCounts = () =>
    Promise.all(tables.map(async (t) => (await h.db.select({ n: count() }).from(t))[0]!.n));
  const cursorFor = (createdAt: string) =>
    Buffer.from(JSON.stringify([createdAt, s.item.id])).toString('base64url');

  type Case = [
    string,
    'GET' | 'POST' | 'PATCH' | 'PUT',
    () => string,
    () => Promise<unknown>,
    string,
    MessageKey,
  ];
  const control: MessageKey = 'field.control_character';
  const year: MessageKey = 'field.year_out_of_range';
  const dept = () => ({ departmentId: s.department.id });
  const cases: Case[] = [
    [
      'NUL in a client fullName',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'Awa\u0000' }),
      'fullName',
      control,
    ],
    [
      'NUL in a patched client fullName',
      'PATCH',
      () => `/v1/clients/${s.client.id}`,
      async () => ({ fullName: 'A\u0000B' }),
      'fullName',
      control,
    ],
    [
      'NUL in a roomNumber',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'A', roomNumber: '2\u00001' }),
      'roomNumber',
      control,
    ],
    [
      'NUL in a phone',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'A', phone: '06 12\u0000 34 56' }),
      'phone',
      control,
    ],
    [
      'a bell in a client fullName',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'A\u0007B' }),
      'fullName',
      control,
    ],
    [
      'a line break inside a client fullName',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'Awa\nNdong' }),
      'fullName',
      control,
    ],
    [
      'a C1 control in a client fullName',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'A\u0085B' }),
      'fullName',
      control,
    ],
    [
      'NUL in a user fullName',
      'POST',
      () => '/v1/users',
      async () => ({ ...dept(), email: 'nul@hotel.test', fullName: 'X\u0000', role: 'dept_user' }),
      'fullName',
      control,
    ],
    [
      'NUL in a patched user fullName',
      'PATCH',
      () => `/v1/users/${s.staff.id}`,
      async () => ({ fullName: '\u0000' }),
      'fullName',
      control,
    ],
    [
      'NUL in an inventoryNumber',
      'POST',
      () => '/v1/items',
      async () => ({ ...dept(), name: 'P', inventoryNumber: 'INV\u0000' }),
      'inventoryNumber',
      control,
    ],
    [
      'NUL in a patched inventoryNumber',
      'PATCH',
      () => `/v1/items/${s.item.id}`,
      async () => ({ inventoryNumber: 'INV\u00001' }),
      'inventoryNumber',
      control,
    ],
    [
      'NUL in an assetId',
      'POST',
      () => '/v1/items',
      async () => ({ ...dept(), name: 'P', inventoryNumber: 'INV-NUL', assetId: 'A\u0000' }),
      'assetId',
      control,
    ],
    [
      'NUL in a department name',
      'POST',
      () => '/v1/departments',
      async () => ({ name: 'Spa\u0000' }),
      'name',
      control,
    ],
    [
      'NUL in a deskLocation',
      'POST',
      () => '/v1/departments',
      async () => ({ name: 'Spa NUL', deskLocation: '\u0000' }),
      'deskLocation',
      control,
    ],
    [
      'NUL in a room name',
      'POST',
      () => '/v1/rooms',
      async () => ({ ...dept(), name: 'Salle\u0000' }),
      'name',
      control,
    ],
    [
      'NUL in loan notes',
      'POST',
      () => '/v1/loans',
      () => loanBody({ dueDate: '2026-12-04', notes: 'a\u0000b' }),
      'notes',
      'field.control_character_in_text',
    ],
    [
      'NUL in a consent source',
      'PUT',
      () => `/v1/clients/${s.client.id}/preferences`,
      async () => ({ whatsappConsentSource: 'desk\u0000' }),
      'whatsappConsentSource',
      control,
    ],
    [
      'NUL in a WhatsApp number',
      'PUT',
      () => `/v1/users/${s.staff.id}/preferences`,
      async () => ({ whatsappNumber: '+241\u000006123456' }),
      'whatsappNumber',
      control,
    ],
    [
      'stayStart in year 0000',
      'POST',
      () => '/v1/clients',
      async () => ({ ...dept(), kind: 'guest', fullName: 'A', stayStart: '0000-01-01' }),
      'stayStart',
      year,
    ],
    [
      'a patched stayEnd in year 0000',
      'PATCH',
      () => `/v1/clients/${s.client.id}`,
      async () => ({ stayEnd: '0000-12-31' }),
      'stayEnd',
      year,
    ],
    [
      'startsAt in year 0000',
      'POST',
      () => '/v1/loans',
      () => loanBody({ dueDate: '2026-12-04', startsAt: '0000-01-01T00:00:00Z' }),
      'startsAt',
      year,
    ],
    [
      'startsAt in year 0001 local but 0000 in UTC',
      'POST',
      () => '/v1/loans',
      () => loanBody({ dueDate: '2026-12-04', startsAt: '0001-01-01T00:30:00+01:00' }),
      'startsAt',
      year,
    ],
    [
      'dueDate in year 0000',
      'POST',
      () => '/v1/loans',
      () => loanBody({ dueDate: '0000-01-01' }),
      'dueDate',
      year,
    ],
    [
      'a cursor in year 0000',
      'GET',
      () => `/v1/items?cursor=${cursorFor('0000-01-01 00:00:00+00')}`,
      async () => undefined,
      'cursor',
      'field.invalid_cursor',
    ],
  ];

  it.each(cases)(
    '%s: 400 on the field, in French or English, nothing written',
    async (_label, method, url, makeBody, field, key) => {
      const payload = await makeBody();
      const before = await rowCounts();
      for (const lang of ['fr', 'en'] as const) {
        const res = await h.api(method, url(), payload, { headers: { 'accept-language': lang } });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
        expect(res.json().message, res.body).toBe(`${field} : ${translate(key, lang)}`);
      }
      expect(await rowCounts()).toEqual(before);
    },
  );

  it('line breaks and tabs stay allowed in loan notes, and years 0001 and 9999 in dates', async () => {
    const notes = 'Câble HDMI fourni.\r\nRendre à la réception\t(rez-de-chaussée).';
    const loan = await h.api('POST', '/v1/loans', await loanBody({ dueDate: '2026-12-04', notes }));
    expect(loan.statusCode, loan.body).toBe(201);
    expect(loan.json().loan.notes).toBe(notes);
    const earliest = await h.api(
      'POST',
      '/v1/loans',
      await loanBody({ dueDate: '2026-12-04', startsAt: '0001-01-01T00:00:00Z' }),
    );
    expect(earliest.statusCode, earliest.body).toBe(201);
    expect(earliest.json().loan.startsAt).toBe('0001-01-01T00:00:00.000Z');
    const client = await h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName: '  Awa Ndong\n',
      stayStart: '0001-01-01',
      stayEnd: '9999-12-31',
    });
    expect(client.statusCode, client.body).toBe(201);
    expect(client.json()).toMatchObject({
      fullName: 'Awa Ndong',
      stayStart: '0001-01-01',
      stayEnd: '9999-12-31',
    });
  });
});
