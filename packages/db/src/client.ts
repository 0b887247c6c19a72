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
  /**
   * Send drizzle's queries as named prepared statements. Default true. Turn off only behind a
   * connection pooler in transaction mode (PgBouncer before 1.21), which cannot keep them.
   */
  prepareStatements?: boolean;
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
  const db = drizzle(options.prepareStatements === false ? sql : withPreparedStatements(sql), { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * drizzle's postgres.js driver sends every query unnamed (`prepare: false`), so Postgres parses,
 * analyses and plans it on every call. Our statements are a small set of texts run over and over:
 * named, postgres.js keeps one prepared statement per text and parameter types on each
 * connection and Postgres reuses its parse (and, once it judges it safe, its plan). A statement
 * invalidated by a migration is re-prepared by postgres.js (it retries RevalidateCachedQuery).
 * Transactions and savepoints hand drizzle a new handle: it is wrapped the same way.
 */
export function withPreparedStatements(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, args?: unknown[], options?: object) =>
          target.unsafe(query, args as postgres.ParameterOrJSON<never>[], { ...options, prepare: true });
      }
      if (key === 'begin' || key === 'savepoint') {
        const original = Reflect.get(target, key, target) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          return original.call(target, ...args, (tx: postgres.Sql) => fn(withPreparedStatements(tx)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
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
