import type { Database } from './client';

/**
 * A value built once per database handle and kept while the handle lives: a prepared query, or
 * a batcher of statements (`batchByTurn`).
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
 * A drizzle prepared query, built once per database handle. Building a query (drizzle's SQL
 * rendering and row mapping set-up) costs more CPU than sending it; for the statements a
 * worker runs for every message, build once with `sql.placeholder(…)` for the values and
 * `.prepare(name)`, then `.execute({ … })` per call.
 */
export const preparedQuery = perDatabase;
