import { type Database, signInThrottle } from '@rappel/db';
import { eq, sql } from 'drizzle-orm';

/** Failures allowed before an account is blocked; each further failure doubles the wait. */
export const FREE_FAILURES = 5;
const BASE_BLOCK_SECONDS = 30;
const MAX_BLOCK_SECONDS = 15 * 60;

export const emailKey = (email: string) => email.trim().toLowerCase();

/** Seconds until `email` may try again, or 0. */
export async function secondsBlocked(db: Database, email: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(eq(signInThrottle.emailKey, emailKey(email)));
  if (!row?.blockedUntil) return 0;
  return Math.max(0, Math.ceil((row.blockedUntil.getTime() - now.getTime()) / 1000));
}

/** Failures older than this are forgotten: the count starts again. */
const FORGET_AFTER = "interval '1 hour'";

export async function recordFailure(db: Database, email: string, now: Date): Promise<void> {
  const at = now.toISOString();
  // In ON CONFLICT … SET every column reference reads the row as it was before this update.
  const failures = sql`(case when ${signInThrottle.lastFailureAt} < ${at}::timestamptz - ${sql.raw(FORGET_AFTER)}
    then 1 else ${signInThrottle.failures} + 1 end)`;
  await db
    .insert(signInThrottle)
    .values({ emailKey: emailKey(email), failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: signInThrottle.emailKey,
      set: {
        failures,
        lastFailureAt: now,
        blockedUntil: sql`case when ${failures} > ${sql.raw(String(FREE_FAILURES))}
          then ${at}::timestamptz + make_interval(secs => least(${sql.raw(String(MAX_BLOCK_SECONDS))},
            ${sql.raw(String(BASE_BLOCK_SECONDS))} * power(2, ${failures} - ${sql.raw(String(FREE_FAILURES))} - 1)))
          else null end`,
      },
    });
}

export async function clearFailures(db: Database, email: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.emailKey, emailKey(email)));
}
