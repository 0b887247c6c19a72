import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clients, items, notificationLog, users } from '@rappel/db';
import {
  cleanupPrefix,
  createTestDatabase,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
  waitFor,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The quick start as the README gives it: `npm start` in the repository, then a loan created
 * over HTTP reaches the e-mail capture and the WhatsApp console transport. Runs against its own
 * database, queue prefix and capture folders; the five services use their fixed ports.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let database: TestDatabase;
let prefix: string;
let captures: string;
let child: ChildProcess;
let output = '';
let apiKey = '';

beforeAll(async () => {
  database = await createTestDatabase();
  prefix = uniqueQueuePrefix('start');
  captures = mkdtempSync(join(tmpdir(), 'rappel-start-'));
  child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testEnv.redisUrl,
      QUEUE_PREFIX: prefix,
      CAPTURE_DIR: join(captures, 'mail'),
      WHATSAPP_CONSOLE_DIR: join(captures, 'whatsapp'),
      LOG_LEVEL: 'warn',
    },
  });
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  apiKey = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      return /Bearer (rpl_\S+)/.exec(output)?.[1];
    },
    { timeoutMs: 150_000, intervalMs: 250 },
  );
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
  rmSync(captures, { recursive: true, force: true });
  await cleanupPrefix(prefix);
  await database.drop();
}, 60_000);

describe('npm start', () => {
  it('prints every URL the README promises', () => {
    for (const url of [
      'http://localhost:3001/docs',
      'http://localhost:3004/',
      'http://localhost:3004/queues',
      'http://localhost:3002/mail',
      'http://localhost:3003/whatsapp',
    ]) {
      expect(output).toContain(url);
    }
    expect(output).toContain('rappel-demo-2025');
  });

  it('a loan created over HTTP reaches the e-mail capture and the WhatsApp console', async () => {
    const { db } = database;
    const [claire] = await db
      .select()
      .from(clients)
      .where(eq(clients.email, 'claire.martin@demo.rappel.example'));
    const [item] = await db.select().from(items).where(eq(items.inventoryNumber, 'DEMO-REC-004'));
    const [staff] = await db
      .select()
      .from(users)
      .where(eq(users.email, 'staff.reception@demo.rappel.example'));
    const response = await fetch('http://127.0.0.1:3001/v1/loans', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        itemId: item!.id,
        clientId: claire!.id,
        responsibleUserId: staff!.id,
        dueAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
      }),
    });
    expect(response.status).toBe(201);
    const { loan } = (await response.json()) as { loan: { id: string } };

    const rows = await waitFor(
      async () => {
        const r = await db.select().from(notificationLog).where(eq(notificationLog.loanId, loan.id));
        return r.filter((row) => row.kind === 'loan_created' && row.status === 'sent').length === 2
          ? r
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const email = rows.find((r) => r.channel === 'email')!;
    const whatsapp = rows.find((r) => r.channel === 'whatsapp')!;

    const mailIndex = readFileSync(join(captures, 'mail', 'index.jsonl'), 'utf8');
    expect(mailIndex).toContain(email.id);
    expect(mailIndex).toContain('claire.martin@demo.rappel.example');
    const whatsappLog = readFileSync(join(captures, 'whatsapp', 'messages.jsonl'), 'utf8');
    const message = whatsappLog
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { notificationId: string; to: string; body: string })
      .find((m) => m.notificationId === whatsapp.id);
    expect(message?.to).toBe('whatsapp:+24106000101');
    expect(message?.body).toContain('Parapluie');
  }, 90_000);
});
