import type { Executor } from '@rappel/db';
import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';

type TableWithId = PgTable & { id: PgColumn };

/**
 * Saves a PATCH's changes to `current` and returns the row as it now is. `current` was read
 * through a `visible*` lookup, so a row the caller may not see is already a 404. Fields left
 * out (or undefined) keep their value; when every field is left out (a form saved without
 * changes) nothing is written and `current` is the answer: there is nothing to set, and
 * drizzle refuses an empty SET. A row gone since it was read is `notFound`.
 */
export async function patchRow<T extends TableWithId>(
  db: Executor,
  table: T,
  current: T['$inferSelect'] & { id: string },
  changes: PgUpdateSetSource<T>,
  notFound: () => Error,
): Promise<T['$inferSelect']> {
  if (Object.values(changes).every((value) => value === undefined)) return current;
  const rows = (await db
    .update(table as PgTable)
    .set(changes as PgUpdateSetSource<PgTable>)
    .where(eq(table.id, current.id))
    .returning()) as T['$inferSelect'][];
  const [row] = rows;
  if (!row) throw notFound();
  return row;
}
