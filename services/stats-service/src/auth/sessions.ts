import { createHash, randomBytes } from 'node:crypto';
import { type Database, sessions, users } from '@rappel/db';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Viewer } from '../scope';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new session: the cookie gets the random token, the table only its hash. */
export async function createSession(db: Database, userId: string, ttlHours: number, now: Date) {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await db
    .insert(sessions)
    .values({ idHash: digest(token), userId, expiresAt, createdAt: now, lastSeenAt: now });
  return { token, expiresAt };
}

export async function loadViewer(db: Database, token: string, now: Date): Promise<Viewer | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await db
    .select({
      userId: users.id,
      role: users.role,
      departmentId: users.departmentId,
      fullName: users.fullName,
      email: users.email,
      language: users.language,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, digest(token)), gt(sessions.expiresAt, now), eq(users.active, true)));
  return row ?? null;
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, digest(token)));
}

export async function purgeExpiredSessions(db: Database, now: Date): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
