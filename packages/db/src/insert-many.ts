import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client';

export interface InsertManyOptions {
  /** `ON CONFLICT (column) DO NOTHING`: a row that conflicts is neither inserted nor returned. */
  onConflictDoNothing?: PgColumn;
}

/** Rows for one table, as insertTogether takes them. */
export interface InsertPart<T extends PgTable = PgTable> {
  table: T;
  rows: readonly T['$inferInsert'][];
  options?: InsertManyOptions;
}

type Inserted<P> = { [K in keyof P]: P[K] extends InsertPart<infer T> ? T['$inferSelect'][] : never };

const isJson = (column: PgColumn) => column.getSQLType() === 'jsonb' || column.getSQLType() === 'json';

/**
 * Inserts rows with one parameter, `INSERT … SELECT … FROM jsonb_to_recordset($1)`, and returns
 * the inserted rows as drizzle would. drizzle's multi-row insert renders a parameter per value
 * (its costliest work when a loan is created: the plan's rows and the messages' rows), and gives
 * Postgres a new statement text for each row count; here the text depends only on the columns,
 * so it stays a prepared statement. A column a row leaves out is null, or its database default
 * (rows that leave out different columns with defaults go in separate sub-statements of one
 * statement); our schema has no client-side defaults.
 */
export async function insertMany<T extends PgTable>(
  db: Executor,
  table: T,
  rows: readonly T['$inferInsert'][],
  options: InsertManyOptions = {},
): Promise<T['$inferSelect'][]> {
  const groups = statementsFor({ table, rows, options });
  if (groups.length === 0) return [];
  if (groups.length > 1) return (await insertTogether(db, { rows: { table, rows, options } })).rows;
  const [group] = groups;
  const inserted = await db.execute<Record<string, unknown>>(sql`${group!.statement} returning *`);
  return [...inserted].map((raw) => group!.read(raw)) as T['$inferSelect'][];
}

/**
 * Inserts into several tables in one statement (one `WITH` sub-statement per table and set of
 * columns): all or nothing like a transaction, in one round trip and without BEGIN and COMMIT.
 * A row may reference another inserted alongside it: foreign keys are checked at the end of the
 * statement. Returns each part's inserted rows as drizzle reads them back.
 */
export async function insertTogether<P extends Record<string, InsertPart>>(
  db: Executor,
  parts: P,
): Promise<Inserted<P>> {
  const subStatements = Object.entries(parts).flatMap(([name, part]) =>
    statementsFor(part).map((group) => ({ name, ...group })),
  );
  const result = Object.fromEntries(Object.keys(parts).map((name) => [name, [] as unknown[]]));
  if (subStatements.length === 0) return result as Inserted<P>;
  const ctes = sql.join(
    subStatements.map((s, i) => sql`${sql.raw(`part_${i}`)} as (${s.statement} returning *)`),
    sql.raw(', '),
  );
  const selects = sql.raw(
    subStatements
      .map((_, i) => `select ${i} as part, to_jsonb(part_${i}) as row from part_${i}`)
      .join(' union all '),
  );
  const rows = await db.execute<{ part: number; row: Record<string, unknown> }>(sql`with ${ctes} ${selects}`);
  for (const { part, row } of rows) {
    const s = subStatements[part]!;
    result[s.name]!.push(s.read(row));
  }
  return result as Inserted<P>;
}

interface Statement {
  /** `insert … select … from jsonb_to_recordset(…) [on conflict …]`, without RETURNING. */
  statement: SQL;
  /** A returned row (by column name, as Postgres or to_jsonb gives it) as drizzle reads it. */
  read(raw: Record<string, unknown>): Record<string, unknown>;
}

type Columns = [string, PgColumn][];

/** A table's columns, and the text around the JSON parameter of each insert it was given. */
interface TableShape {
  columns: Columns;
  texts: Map<string, { before: string; after: string }>;
}
const shapes = new WeakMap<PgTable, TableShape>();

function shapeOf(table: PgTable): TableShape {
  let shape = shapes.get(table);
  if (!shape) {
    shape = { columns: Object.entries(getTableColumns(table) as Record<string, PgColumn>), texts: new Map() };
    shapes.set(table, shape);
  }
  return shape;
}

/**
 * The statement's text before and after its one parameter, made once per table, columns and
 * conflict target: drizzle's rendering of it was the largest cost of a loan's creation.
 */
function statementText(table: PgTable, shape: TableShape, keys: Columns, conflict: PgColumn | undefined) {
  const signature = `${keys.map(([key]) => key).join(',')}|${conflict?.name ?? ''}`;
  let text = shape.texts.get(signature);
  if (!text) {
    const names = keys.map(([, column]) => `"${column.name}"`).join(', ');
    const definitions = keys.map(([, column]) => `"${column.name}" ${column.getSQLType()}`).join(', ');
    text = {
      before: `insert into "${getTableName(table)}" (${names}) select ${names} from jsonb_to_recordset(`,
      after: `::jsonb) as r(${definitions})${conflict ? ` on conflict ("${conflict.name}") do nothing` : ''}`,
    };
    shape.texts.set(signature, text);
  }
  return text;
}

/** One statement per set of defaulted columns the rows set. */
function statementsFor({ table, rows, options = {} }: InsertPart): Statement[] {
  const shape = shapeOf(table);
  const { columns } = shape;
  const isSet = (row: object, key: string) => (row as Record<string, unknown>)[key] !== undefined;
  // Rows grouped by the columns with a default that they set: within a group, a column no row
  // sets takes its default, and one that only some rows set is null in the others.
  const groups = new Map<string, object[]>();
  for (const row of rows) {
    const signature = columns
      .filter(([key, column]) => column.hasDefault && isSet(row, key))
      .map(([key]) => key)
      .join(',');
    groups.set(signature, [...(groups.get(signature) ?? []), row]);
  }
  const read = (raw: Record<string, unknown>) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = raw[column.name];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row;
  };
  return [...groups.values()].map((group) => {
    const keys = columns.filter(([key]) => group.some((row) => isSet(row, key)));
    const records = group.map((row) => {
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
    const { before, after } = statementText(table, shape, keys, options.onConflictDoNothing);
    return { statement: sql`${sql.raw(before)}${JSON.stringify(records)}${sql.raw(after)}`, read };
  });
}
