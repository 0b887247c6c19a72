import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleRecord } from '../console-sender';
import { consolePageRoutes } from './console-page';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rappel-whatsapp-page-'));
  const record: ConsoleRecord = {
    id: 'console-1',
    at: '2026-12-04T09:00:00.000Z',
    notificationId: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    kind: 'loan_created',
    to: 'whatsapp:+24106123456',
    body: 'Bonjour Claire Martin,',
    contentSid: null,
    contentVariables: null,
  };
  await writeFile(join(dir, 'messages.jsonl'), `${JSON.stringify(record)}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function pageIn(zone: string): Promise<string> {
  const app = Fastify();
  try {
    await app.register(consolePageRoutes, { dir, active: true, zone });
    const res = await app.inject({ method: 'GET', url: '/whatsapp' });
    expect(res.statusCode).toBe(200);
    return res.body;
  } finally {
    await app.close();
  }
}

describe('the console page', () => {
  it("dates each message in the site's zone, whatever the server's", async () => {
    expect(await pageIn('Africa/Libreville')).toContain('<td>vendredi 4 décembre à 10:00</td>');
    // UTC+14: no server runs there, so this fails if the server's zone is used.
    expect(await pageIn('Pacific/Kiritimati')).toContain('<td>vendredi 4 décembre à 23:00</td>');
  });

  it('names the kind of each message in French, not by its code', async () => {
    const page = await pageIn('Europe/Paris');
    expect(page).toContain('<td>Confirmation de prêt</td>');
    expect(page).not.toContain('loan_created');
  });
});
