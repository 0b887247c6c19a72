import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/**
 * packages/db/migrations: beside this module's folder (src/, or dist/ for the migrate-cli
 * bundle); from a bundle of another package (the operator CLI in stats-service's dist/), in
 * @rappel/db as installed in that package's node_modules (a workspace link, or what `pnpm
 * deploy` copied into the image).
 */
export const MIGRATIONS_FOLDER =
  ['../migrations', '../node_modules/@rappel/db/migrations']
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((folder) => existsSync(join(folder, 'meta', '_journal.json'))) ??
  fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Applies every pending migration. Run once per deploy (compose one-shot, Kubernetes Job,
 * test setup), never by every replica at boot. An advisory lock makes concurrent runs wait.
 */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(72657070)`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`select pg_advisory_unlock(72657070)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this build carries, oldest first (drizzle-kit's journal). */
function shippedMigrations(folder: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/**
 * The migrations this build carries that the database has not applied, by tag. Drizzle's own
 * rule: a migration is applied when the newest one recorded in `drizzle.__drizzle_migrations`
 * is at least as recent (it applies every pending one in a single transaction).
 */
export async function pendingMigrations(url: string, folder = MIGRATIONS_FOLDER): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    let newest = Number.NEGATIVE_INFINITY;
    try {
      const [row] = await sql<{ newest: string | null }[]>`
        select max(created_at)::text as newest from drizzle.__drizzle_migrations`;
      if (row?.newest != null) newest = Number(row.newest);
    } catch (error) {
      // No migration has ever run: neither the schema nor the table exists yet.
      if (!['42P01', '3F000'].includes((error as { code?: string }).code ?? '')) throw error;
    }
    return shippedMigrations(folder)
      .filter((m) => m.when > newest)
      .map((m) => m.tag);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface WaitForMigrationsOptions {
  /** Give up (reject) after this long, in milliseconds. */
  timeoutMs: number;
  /** Time between two checks, in milliseconds. */
  intervalMs?: number;
  /** Told what is still missing (or why the database did not answer) before each pause. */
  onWait?: (reason: string) => void;
  folder?: string;
}

/**
 * Resolves once the database has every migration this build carries; never applies one. A
 * Kubernetes init container runs this (`migrate-cli.js --wait`) so that a new release's pods
 * start only after the migration Job has finished, whatever order `kubectl apply` takes.
 * A database that does not answer yet counts as not migrated.
 */
export async function waitForMigrations(url: string, options: WaitForMigrationsOptions): Promise<void> {
  const { timeoutMs, intervalMs = 2_000, onWait = () => {}, folder } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let reason: string;
    try {
      const pending = await pendingMigrations(url, folder);
      if (pending.length === 0) return;
      const names = pending.length <= 3 ? pending.join(', ') : `${pending[0]} … ${pending.at(-1)}`;
      reason = `${pending.length} migration(s) not applied yet: ${names}`;
    } catch (error) {
      reason = `database not answering: ${(error as Error).message}`;
    }
    if (Date.now() + intervalMs > deadline) {
      throw new Error(`gave up after ${Math.round(timeoutMs / 1000)} s: ${reason}`);
    }
    onWait(reason);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
