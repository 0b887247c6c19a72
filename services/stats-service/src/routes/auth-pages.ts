import { users } from '@rappel/db';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { verifyPassword } from '../auth/passwords';
import { createSession, deleteSession, purgeExpiredSessions } from '../auth/sessions';
import { clearFailures, recordFailure, secondsBlocked } from '../auth/throttle';
import { CSRF_COOKIE, pageContext, sendPage } from '../plugins/web';
import { homePath, mayOpen, type Viewer } from '../scope';
import { signInPage } from '../views/pages';
import type { RouteDeps } from './context';

const SOME_ORIGIN = 'http://x.invalid';
/**
 * Anything but printable ASCII, and backslashes: browsers drop tabs and newlines from a URL and
 * read "\\" as "/"; a path taken from this site's own URLs is percent-encoded and has none.
 */
const UNSAFE_IN_NEXT = /[^\x21-\x7e]|\\/;

/**
 * The page to open after sign-in, or null: only a path on this site ("/x?y"), never one a
 * browser could read as another host ("//host", "/\\host", "/<tab>/host", "https:…"), and not
 * the sign-in pages themselves. The value is returned as given, not re-serialised.
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//')) return null;
  if (UNSAFE_IN_NEXT.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, SOME_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== SOME_ORIGIN || url.pathname.startsWith('/sign-')) return null;
  return next;
}

/** Where sign-in leads: `next` when the person may open it, else their first page. */
const landing = (viewer: Pick<Viewer, 'role'>, next: string | undefined) =>
  next && mayOpen(viewer, next) ? next : homePath(viewer);

export async function authPages(app: FastifyInstance, deps: RouteDeps) {
  const cookieName = deps.config.SESSION_COOKIE_NAME;
  const cookieBase = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.cookieSecure,
  };

  app.get('/sign-in', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next) ?? undefined;
    if (request.viewer) return reply.redirect(landing(request.viewer, next));
    return sendPage(reply, signInPage(pageContext(request, reply), { next }));
  });

  app.post(
    '/sign-in',
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: deps.config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { email?: unknown; password?: unknown; next?: unknown };
      const email = typeof body.email === 'string' ? body.email.trim().slice(0, 320) : '';
      const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
      const next = safeNext(body.next) ?? undefined;
      const fail = (message: string, status: number) =>
        sendPage(reply, signInPage(pageContext(request, reply), { email, next, error: message }), status);
      const now = deps.now();

      const blocked = email ? await secondsBlocked(deps.db, email, now) : 0;
      if (blocked > 0) return fail(request.t('signInBlocked', { minutes: Math.ceil(blocked / 60) }), 429);

      const [user] = email
        ? await deps.db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
        : [];
      const ok = (await verifyPassword(user?.active ? user.passwordHash : null, password)) && !!user;
      if (!ok) {
        if (email) await recordFailure(deps.db, email, now);
        request.log.info({ userId: user?.id ?? null }, 'sign-in refused');
        return fail(request.t('signInFailed'), 401);
      }
      await clearFailures(deps.db, email);
      // A new session id at every sign-in: a planted cookie never becomes a signed-in one.
      if (request.sessionToken) await deleteSession(deps.db, request.sessionToken);
      const session = await createSession(deps.db, user.id, deps.config.SESSION_TTL_HOURS, now);
      await purgeExpiredSessions(deps.db, now);
      reply.setCookie(cookieName, session.token, { ...cookieBase, expires: session.expiresAt });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      request.log.info({ userId: user.id }, 'signed in');
      return reply.redirect(landing(user, next), 303);
    },
  );

  app.post('/sign-out', { preHandler: app.csrfProtection }, async (request, reply) => {
    if (request.sessionToken) await deleteSession(deps.db, request.sessionToken);
    reply.clearCookie(cookieName, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });
}
