import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
/** A transaction handle or the database itself: functions that write take either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DbClientOptions {
  /** Pool size. Default 10. */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Seconds to wait for a connection before failing. Default 5. */
  connectTimeoutSeconds?: number;
  /**
   * Longest wait, in seconds, before trying to connect again after a failed connection. Default 1.
   * postgres.js's own backoff grows to 20 s, and every query waits for that reconnection, so
   * during a database outage an HTTP request hung for up to 20 s instead of failing fast, and
   * after it the service took as long to notice the database was back.
   */
  maxReconnectDelaySeconds?: number;
}

export interface DbClient {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function createDbClient(url: string, options: DbClientOptions = {}): DbClient {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    backoff: reconnectBackoff(options.maxReconnectDelaySeconds ?? 1),
    idle_timeout: 30,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'rappel' },
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Seconds before reconnect attempt `retries`: doubling from 50 ms, jittered, capped at `maxSeconds`. */
export const reconnectBackoff =
  (maxSeconds: number) =>
  (retries: number, random = Math.random): number =>
    Math.min(maxSeconds, 0.05 * 2 ** retries) * (0.5 + random() / 2);

/** Cheap liveness check for /readyz. */
export async function pingDatabase(sql: postgres.Sql): Promise<void> {
  await sql`select 1`;
}
