/** The Postgres error behind a driver or drizzle error (drizzle wraps it in `cause`). */
interface PgError {
  code: string;
  constraint_name?: string;
}

export function pgErrorOf(error: unknown): PgError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return candidate as PgError;
    }
    current = candidate.cause;
  }
  return null;
}

/** True when `error` is a unique violation of `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === '23505' && pg.constraint_name === constraint;
}

/** Rethrows a unique violation of a known constraint as its HTTP error; anything else as is. */
export function rethrowUnique(error: unknown, byConstraint: Record<string, () => Error>): never {
  const pg = pgErrorOf(error);
  const make = pg?.code === '23505' && pg.constraint_name ? byConstraint[pg.constraint_name] : undefined;
  throw make ? make() : error;
}
