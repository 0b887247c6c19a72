import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  type Fixtures,
  fixtures,
  parseRawEmail,
  type TestDatabase,
} from '@rappel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureTransport, readCaptureIndex } from '../src/transports/capture-transport';
import { composeRawEmail } from '../src/transports/smtp-transport';
import { emailRowFor, publish, type Sender, settled, startSender } from './harness';

let tdb: TestDatabase;
let f: Fixtures;
let dir: string;
let sender: Sender;

beforeAll(async () => {
  tdb = await createTestDatabase();
  f = fixtures(tdb.db);
  dir = await mkdtemp(join(tmpdir(), 'rappel-mail-'));
  sender = await startSender(tdb, createCaptureTransport({ dir, compose: composeRawEmail }), dir);
});
afterAll(async () => {
  await sender?.close();
  await tdb?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('local capture', () => {
  it('writes each message as .eml and lists it at GET /mail, newest first', async () => {
    const first = await emailRowFor(f, tdb, {
      kind: 'loan_created',
      language: 'fr',
      clientName: 'Zoé <b>Nze</b>',
    });
    await publish(sender, [first.row]);
    const sent = await settled(tdb, first.row.id, 'sent');
    const second = await emailRowFor(f, tdb, { kind: 'overdue', language: 'en' });
    await publish(sender, [second.row]);
    await settled(tdb, second.row.id, 'sent');

    const entries = await readCaptureIndex(dir);
    expect(entries.map((e) => e.messageId)).toEqual([
      `<${second.row.id}@hotel.test>`,
      sent.providerMessageId,
    ]);
    const files = await readdir(dir);
    expect(files).toContain(`${entries[1]!.id}.eml`);
    expect(files).toContain(`${entries[1]!.id}.html`);

    const eml = await parseRawEmail(await readFile(join(dir, `${entries[1]!.id}.eml`)));
    expect(eml.subject?.replace(/\u00a0/g, ' ')).toMatch(/^Prêt enregistré : « Vidéoprojecteur Epson »/);
    expect(eml.attachments.map((a) => a.contentType)).toEqual(['text/calendar']);
    expect(eml.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(true);

    const page = await sender.app.http.inject({ method: 'GET', url: '/mail' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('E-mails capturés');
    expect(page.body.indexOf(entries[0]!.id)).toBeLessThan(page.body.indexOf(entries[1]!.id));
    expect(page.body).toContain(`/mail/${entries[1]!.id}/html`);
    expect(page.body).toContain(`/mail/${entries[1]!.id}/eml`);

    const html = await sender.app.http.inject({ method: 'GET', url: `/mail/${entries[1]!.id}/html` });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.body).toContain('Zoé &lt;b&gt;Nze&lt;/b&gt;');
    const raw = await sender.app.http.inject({ method: 'GET', url: `/mail/${entries[1]!.id}/eml` });
    expect(raw.headers['content-type']).toContain('message/rfc822');

    expect((await sender.app.http.inject({ method: 'GET', url: '/mail/..%2Fetc/eml' })).statusCode).toBe(404);
    expect(
      (await sender.app.http.inject({ method: 'GET', url: `/mail/${entries[1]!.id}/json` })).statusCode,
    ).toBe(404);
  });
});
