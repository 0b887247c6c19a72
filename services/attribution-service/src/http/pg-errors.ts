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

/**
 * True when Postgres rolled the transaction back to break a deadlock (40P01) or a serialization
 * conflict (40001): nothing of it was written, and running it again is expected to succeed.
 */
export function isTransactionConflict(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code === '40P01' || code === '40001';
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

/** postgres.js and socket codes meaning the database could not be reached or the connection died. */
const UNREACHABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * True when `error` means Postgres is unavailable (down, restarting, unreachable) rather than
 * that the request was wrong: a driver connection error, SQLSTATE class 08 (connection
 * exception) or 57P01–57P03 (shutting down, starting up). The caller answers 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (UNREACHABLE_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
