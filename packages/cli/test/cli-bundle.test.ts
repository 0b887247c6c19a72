import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { authenticate } from '@rappel/attribution-service/src/auth/api-keys';
import { pendingMigrations, users } from '@rappel/db';
import { verifyPassword } from '@rappel/stats-service/src/auth/passwords';
import {
  buildServicesOnce,
  createTestDatabase,
  databaseUrl,
  type TestDatabase,
  testEnv,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The operator CLI as the images carry it: stats-service's dist/cli.js (scripts/build.mjs), run
 * with plain node, no tsx and no sources. It is how a Compose or Kubernetes deployment gets its
 * first super admin and API key (docs/operations.md, "Operator CLI in the images").
 */
const STATS = fileURLToPath(new URL('../../../services/stats-service/', import.meta.url));
const run = promisify(execFile);

async function cli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/cli.js', ...args], {
      cwd: STATS,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let database: TestDatabase;

beforeAll(async () => {
  await buildServicesOnce();
  database = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

describe('stats-service dist/cli.js', () => {
  it('says its commands', async () => {
    const { code, stdout } = await cli({}, '--help');
    expect(code).toBe(0);
    for (const command of ['migrate', 'create-user', 'create-api-key', 'retry-failed', 'purge'])
      expect(stdout).toContain(command);
  });

  it('creates the first super admin, whose password stats-service accepts', async () => {
    const env = { DATABASE_URL: database.url, REDIS_URL: testEnv.redisUrl };
    const email = 'first.admin@hotel.example';
    const { code, stdout, stderr } = await cli(
      env,
      'create-user',
      '--email',
      email,
      '--name',
      'Première Admin',
      '--role',
      'super_admin',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(stdout)?.[1];
    expect(password).toBeTruthy();
    const [user] = await database.db.select().from(users).where(eq(users.email, email));
    expect(user?.role).toBe('super_admin');
    expect(await verifyPassword(user!.passwordHash!, password!)).toBe(true);
  });

  it('creates an API key that attribution-service accepts', async () => {
    const env = { DATABASE_URL: database.url, REDIS_URL: testEnv.redisUrl };
    const { code, stdout } = await cli(env, 'create-api-key', '--name', 'desk');
    expect(code).toBe(0);
    const key = /^rpl_\S+$/m.exec(stdout)?.[0];
    expect(key).toBeTruthy();
    expect(await authenticate(database.db, `Bearer ${key}`, new Date())).not.toBeNull();
  });

  it('migrates an empty database, finding @rappel/db’s migrations from the bundle', async () => {
    const name = `rappel_cli_bundle_${randomBytes(4).toString('hex')}`;
    const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    try {
      const { code } = await cli({ DATABASE_URL: databaseUrl(name) }, 'migrate');
      expect(code).toBe(0);
      expect(await pendingMigrations(databaseUrl(name))).toEqual([]);
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }, 60_000);
});
