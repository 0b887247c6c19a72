import { type Database, departments } from '@rappel/db';
import { eq } from 'drizzle-orm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UnknownDepartmentError extends Error {
  constructor(readonly reference: string) {
    super(`No department named or with id "${reference}".`);
    this.name = 'UnknownDepartmentError';
  }
}

/** A department given by id or by exact name, as operators type it. */
export async function resolveDepartmentId(db: Database, reference: string): Promise<string> {
  const [row] = await db
    .select({ id: departments.id })
    .from(departments)
    .where(UUID.test(reference) ? eq(departments.id, reference) : eq(departments.name, reference));
  if (!row) throw new UnknownDepartmentError(reference);
  return row.id;
}
