import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER, runMigrations } from '@rappel/db';
import postgres from 'postgres';
import { databaseUrl, testEnv } from './env';

/** Name of the migrated template database: changes whenever a migration changes. */
export function templateDatabaseName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return `rappel_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Creates (once, under an advisory lock so parallel runs agree) a database with every
 * migration applied. Test databases are cloned from it with CREATE DATABASE … TEMPLATE.
 */
export async function ensureTemplateDatabase(): Promise<string> {
  const name = templateDatabaseName();
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(72657071)`;
    const [existing] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!existing) {
      const building = `${name}_building`;
      await admin.unsafe(`drop database if exists "${building}" with (force)`);
      await admin.unsafe(`create database "${building}"`);
      await runMigrations(databaseUrl(building));
      await admin.unsafe(`alter database "${building}" rename to "${name}"`);
    }
    await admin`select pg_advisory_unlock(72657071)`;
    return name;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
