import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { FieldValidationError } from './errors';
import { isStorableInstant } from './schemas';

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/**
 * Pages are ordered newest first by (created_at, id). The cursor carries created_at as
 * Postgres text (microsecond precision, which a JS Date would lose) and the id.
 */
export const cursorKey = (createdAt: AnyColumn) => sql<string>`${createdAt}::text`;

const encode = (createdAt: string, id: string) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

const PG_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)[+-]\d{2}(?::\d{2})?$/;

function isPgTimestamp(text: string): boolean {
  const match = PG_TIMESTAMP.exec(text);
  if (!match) return false;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return isStorableInstant(date.getTime()) && date.toISOString().slice(0, 10) === match[1];
}

function decode(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      isPgTimestamp(value[0]) &&
      z.uuid().safeParse(value[1]).success
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through: any undecodable cursor is the caller's mistake
  }
  throw new FieldValidationError('cursor', 'field.invalid_cursor');
}

/** The condition "strictly after the cursor" in (created_at desc, id desc) order. */
export function beforeCursor(
  createdAt: AnyColumn,
  id: AnyColumn,
  cursor: string | undefined,
): SQL | undefined {
  if (!cursor) return undefined;
  const [ts, cursorId] = decode(cursor);
  return sql`(${createdAt}, ${id}) < (${ts}::timestamptz, ${cursorId}::uuid)`;
}

/** Cuts the extra row fetched to know whether another page exists. */
export function toPage<R extends { cursorKey: string; id: string }>(
  rows: R[],
  limit: number,
): { rows: R[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1]!;
  return { rows: kept, nextCursor: encode(last.cursorKey, last.id) };
}
