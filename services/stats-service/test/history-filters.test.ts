import type { Channel, NotificationKind } from '@rappel/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logRow, Session, startHarness } from './harness';

/** The history's channel and kind filters, each holding several values, in the API, the CSV and the page. */
let h: Harness;
let manager: Session;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness('history-filters');
  const rows: [string, Channel, NotificationKind][] = [
    ['emailCreated', 'email', 'loan_created'],
    ['whatsappCreated', 'whatsapp', 'loan_created'],
    ['emailD1', 'email', 'reminder_d1'],
    ['whatsappD1', 'whatsapp', 'reminder_d1'],
    ['emailOverdue', 'email', 'overdue'],
    ['whatsappOverdue', 'whatsapp', 'overdue'],
    ['emailReturned', 'email', 'loan_returned'],
  ];
  for (const [name, channel, kind] of rows)
    ids[name] = (await logRow(h, { departmentId: h.deptA.id, status: 'sent', channel, kind })).id;
  manager = new Session(h.app);
  expect((await manager.signIn(h.users.managerA.email)).statusCode).toBe(303);
});
afterAll(async () => {
  await h?.close();
});

const listed = async (query: string) => {
  const res = await manager.request('GET', `/v1/notifications?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { id: string }[]).map((r) => r.id).sort();
};
const exported = async (query: string) => {
  const res = await manager.request('GET', `/v1/notifications.csv?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.body
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',')[0])
    .sort();
};
const named = (...names: string[]) => names.map((n) => ids[n]).sort();

describe('API and CSV', () => {
  it('take two kinds, repeated or comma-separated', async () => {
    const expected = named('emailD1', 'whatsappD1', 'emailOverdue', 'whatsappOverdue');
    for (const query of ['kind=reminder_d1&kind=overdue', 'kind=reminder_d1,overdue']) {
      expect(await listed(query)).toEqual(expected);
      expect(await exported(query)).toEqual(expected);
    }
  });

  it('take two channels, with two kinds and alone', async () => {
    const both = 'channel=email&channel=whatsapp';
    expect(await listed(both)).toEqual(Object.values(ids).sort());
    expect(await exported(both)).toEqual(Object.values(ids).sort());
    const withKinds = `${both}&kind=loan_created&kind=loan_returned`;
    expect(await listed(withKinds)).toEqual(named('emailCreated', 'whatsappCreated', 'emailReturned'));
    expect(await exported(withKinds)).toEqual(named('emailCreated', 'whatsappCreated', 'emailReturned'));
    expect(await listed('channel=whatsapp&kind=loan_created&kind=overdue')).toEqual(
      named('whatsappCreated', 'whatsappOverdue'),
    );
  });

  it('refuse an unknown channel or kind with a 400 naming the field, French or English', async () => {
    for (const [url, field] of [
      ['/v1/notifications?channel=email&channel=sms', 'channel.1'],
      ['/v1/notifications.csv?kind=overdue&kind=late', 'kind.1'],
      ['/v1/notifications?kind=reminder', 'kind.0'],
    ] as const) {
      const fr = await manager.request('GET', url);
      expect(fr.statusCode).toBe(400);
      expect(fr.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(fr.json().message).toBe(`Paramètre invalide : ${field}.`);
      const en = await manager.request('GET', url, { headers: { 'accept-language': 'en' } });
      expect(en.json().message).toBe(`Invalid parameter: ${field}.`);
    }
  });
});

describe('the history page', () => {
  const checked = (body: string, name: string) =>
    [...body.matchAll(new RegExp(`<input type="checkbox" name="${name}" value="(\\w+)"( checked)?>`, 'g'))]
      .filter((m) => m[2])
      .map((m) => m[1]);

  it('shows the two kinds and two channels it applies, ticked, and links the CSV with them', async () => {
    const res = await manager.request(
      'GET',
      '/notifications?kind=reminder_d1&kind=overdue&channel=email&channel=whatsapp',
    );
    expect(res.statusCode).toBe(200);
    expect(checked(res.body, 'kind')).toEqual(['reminder_d1', 'overdue']);
    expect(checked(res.body, 'channel')).toEqual(['email', 'whatsapp']);
    const shown = [...res.body.matchAll(/<tr data-id="([0-9a-f-]+)"/g)].map((m) => m[1]).sort();
    expect(shown).toEqual(named('emailD1', 'whatsappD1', 'emailOverdue', 'whatsappOverdue'));
    expect(res.body).toContain(
      'href="/v1/notifications.csv?channel=email%2Cwhatsapp&amp;kind=reminder_d1%2Coverdue"',
    );
  });

  it('names the channel or kind it refuses, in French and in English', async () => {
    for (const [url, fr, en] of [
      ['/notifications?channel=email&channel=sms', 'canal', 'channel'],
      ['/notifications?kind=overdue&kind=late', 'type', 'kind'],
    ] as const) {
      const french = await manager.request('GET', url);
      expect(french.statusCode).toBe(400);
      expect(french.body).toContain(`Paramètre invalide : ${fr}.`);
      const english = await manager.request('GET', `${url}&lang=en`);
      expect(english.statusCode).toBe(400);
      expect(english.body).toContain(`Invalid parameter: ${en}.`);
      await manager.request('GET', '/notifications?lang=fr');
    }
  });
});
