import { fillPlaceholders, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { Database } from './client';

/**
 * A value built once per database handle and kept while the handle lives: a prepared query, or
 * a batcher of statements (`batchByTurn`). Building a query (drizzle's SQL rendering and row
 * mapping set-up) costs more CPU than sending it; for the statements a worker runs for every
 * message, build once with `sql.placeholder(…)` for the values and `.prepare(name)`, then
 * `.execute({ … })` per call.
 */
export function perDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const built = new WeakMap<Database, T>();
  return (db) => {
    let value = built.get(db);
    if (value === undefined) {
      value = build(db);
      built.set(db, value);
    }
    return value;
  };
}

/**
 * A raw statement rendered once, its values named with `sql.placeholder(…)`, and run as a
 * prepared statement. `db.execute(sql…)` renders drizzle's SQL again on every call, which for a
 * statement run per message costs more CPU than sending it; a builder's `.prepare()` is the
 * same thing for the statements drizzle's builders can express.
 */
export function rawPreparedStatement(
  statement: (db: Database) => SQL,
): (db: Database, values: Record<string, unknown>) => Promise<unknown> {
  const rendered = perDatabase((db) => dialect.sqlToQuery(statement(db)));
  return (db, values) => {
    const { sql, params } = rendered(db);
    return clientOf(db).unsafe(sql, fillPlaceholders(params, values) as postgres.ParameterOrJSON<never>[]);
  };
}

const dialect = new PgDialect();

/** The postgres.js client under a drizzle handle (named prepared statements: see withPreparedStatements). */
const clientOf = (db: Database) => (db as Database & { $client: postgres.Sql }).$client;
