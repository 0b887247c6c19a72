import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apiKeys, type Database } from '@rappel/db';
import { and, eq, isNull, lt, or } from 'drizzle-orm';

/** Who is calling: an API key, global (departmentId null) or scoped to one department. */
export interface Caller {
  keyId: string;
  name: string;
  departmentId: string | null;
}

/** `rpl_<12 hex prefix>_<43 base64url secret>`: the prefix finds the row, the hash proves it. */
const KEY_FORMAT = /^rpl_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/** last_used_at is written at most once per this interval, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Creates an API key and returns it in plain text: this is the only time it is visible
 * (only its SHA-256 is stored). For tests and the operator CLI.
 */
export async function createApiKey(
  db: Database,
  input: { name: string; departmentId: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const prefix = randomBytes(6).toString('hex');
  const key = `rpl_${prefix}_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ name: input.name, prefix, keyHash: sha256(key), departmentId: input.departmentId })
    .returning({ id: apiKeys.id });
  return { id: row!.id, key, prefix };
}

/** The caller behind an `Authorization` header, or null when it is missing, malformed, unknown or revoked. */
export async function authenticate(
  db: Database,
  authorization: string | undefined,
  now: Date,
): Promise<Caller | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  const key = match?.[1];
  const prefix = key ? KEY_FORMAT.exec(key)?.[1] : undefined;
  if (!key || !prefix) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
  if (!row || row.revokedAt) return null;
  const expected = Buffer.from(row.keyHash, 'hex');
  const given = Buffer.from(sha256(key), 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiKeys.id, row.id),
          or(
            isNull(apiKeys.lastUsedAt),
            lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)),
          ),
        ),
      );
  }
  return { keyId: row.id, name: row.name, departmentId: row.departmentId };
}

/** Revokes a key; it is refused from then on. */
export async function revokeApiKey(db: Database, id: string, now: Date): Promise<void> {
  await db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id));
}
