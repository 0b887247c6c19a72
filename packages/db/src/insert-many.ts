import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client';

export interface InsertManyOptions {
  /** `ON CONFLICT (column) DO NOTHING`: a row that conflicts is neither inserted nor returned. */
  onConflictDoNothing?: PgColumn;
}

const isJson = (column: PgColumn) => column.getSQLType() === 'jsonb' || column.getSQLType() === 'json';

/**
 * Inserts rows with one parameter, `INSERT … SELECT … FROM jsonb_to_recordset($1)`, and returns
 * the inserted rows as drizzle would. drizzle's multi-row insert renders a parameter per value
 * (its costliest work when a loan is created: the plan's rows and the messages' rows), and gives
 * Postgres a new statement text for each row count; here the text depends only on the columns,
 * so it stays a prepared statement. A column a row leaves out is null, or its database default
 * (rows that leave out different columns with defaults go in separate statements); our schema has
 * no client-side defaults.
 */
export async function insertMany<T extends PgTable>(
  db: Executor,
  table: T,
  rows: readonly T['$inferInsert'][],
  options: InsertManyOptions = {},
): Promise<T['$inferSelect'][]> {
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>);
  const isSet = (row: T['$inferInsert'], key: string) => (row as Record<string, unknown>)[key] !== undefined;
  // Rows grouped by the columns with a default that they set: within a group, a column no row
  // sets takes its default, and one that only some rows set is null in the others.
  const groups = new Map<string, T['$inferInsert'][]>();
  for (const row of rows) {
    const signature = columns
      .filter(([key, column]) => column.hasDefault && isSet(row, key))
      .map(([key]) => key)
      .join(',');
    groups.set(signature, [...(groups.get(signature) ?? []), row]);
  }
  const insertAll = async (executor: Executor) => {
    const inserted: T['$inferSelect'][] = [];
    for (const group of groups.values()) {
      const keys = columns.filter(([key]) => group.some((row) => isSet(row, key)));
      inserted.push(...(await insertGroup(executor, table, columns, keys, group, options)));
    }
    return inserted;
  };
  // Several statements are all or nothing, like one (a savepoint inside a transaction).
  return groups.size > 1 ? db.transaction(insertAll) : insertAll(db);
}

async function insertGroup<T extends PgTable>(
  db: Executor,
  table: T,
  columns: [string, PgColumn][],
  keys: [string, PgColumn][],
  rows: readonly T['$inferInsert'][],
  options: InsertManyOptions,
): Promise<T['$inferSelect'][]> {
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [key, column] of keys) {
      const value = (row as Record<string, unknown>)[key];
      record[column.name] =
        value === null || value === undefined
          ? null
          : isJson(column)
            ? value
            : column.mapToDriverValue(value);
    }
    return record;
  });
  const names = sql.join(
    keys.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const definitions = sql.raw(keys.map(([, column]) => `"${column.name}" ${column.getSQLType()}`).join(', '));
  const conflict: SQL = options.onConflictDoNothing
    ? sql`on conflict (${sql.identifier(options.onConflictDoNothing.name)}) do nothing`
    : sql``;
  const inserted = await db.execute<Record<string, unknown>>(sql`
    insert into ${table} (${names})
    select ${names} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${definitions})
    ${conflict}
    returning *`);
  return [...inserted].map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = raw[column.name];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T['$inferSelect'];
  });
}
