import type { Database } from './client';

/**
 * A drizzle prepared query, built once per database handle. Building a query (drizzle's SQL
 * rendering and row mapping set-up) costs more CPU than sending it; for the statements a
 * worker runs for every message, build once with `sql.placeholder(…)` for the values and
 * `.prepare(name)`, then `.execute({ … })` per call.
 */
export function preparedQuery<Q>(build: (db: Database) => Q): (db: Database) => Q {
  const built = new WeakMap<Database, Q>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}
