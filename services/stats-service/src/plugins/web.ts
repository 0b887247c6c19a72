import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Language } from '@rappel/contracts';
import type { Database } from '@rappel/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { loadViewer } from '../auth/sessions';
import { pickLanguage, type Translate, translator } from '../i18n';
import type { Viewer } from '../scope';
import type { PageContext } from '../views/layout';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    lang: Language;
    t: Translate;
    /** The raw session token from the cookie, when there is one. */
    sessionToken: string | null;
  }
}

export interface WebOptions {
  db: Database;
  sessionSecret: string;
  sessionCookieName: string;
  cookieSecure: boolean;
  now: () => Date;
}

export const LANG_COOKIE = 'rappel_lang';
export const CSRF_COOKIE = 'rappel_csrf';

/**
 * Cookies, forms, security headers, CSRF, rate limiting, and on every request: the viewer
 * (from the session cookie) and the language (`?lang=`, then cookie, then French).
 */
export const webPlugin = fp(
  async (app: FastifyInstance, options: WebOptions) => {
    await app.register(cookie, { secret: options.sessionSecret });
    await app.register(formbody);
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(options.cookieSecure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: options.cookieSecure,
    });
    await app.register(csrf, {
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: options.cookieSecure, signed: true },
    });
    await app.register(rateLimit, { global: false });

    app.decorateRequest('viewer', null);
    app.decorateRequest('lang', 'fr');
    app.decorateRequest('t', undefined as unknown as Translate);
    app.decorateRequest('sessionToken', null);

    app.addHook('onRequest', async (request, reply) => {
      request.lang = pickLanguage(request.query, request.cookies[LANG_COOKIE]);
      const asked = (request.query as { lang?: unknown } | undefined)?.lang;
      if (asked === 'fr' || asked === 'en') {
        reply.setCookie(LANG_COOKIE, asked, {
          path: '/',
          sameSite: 'lax',
          httpOnly: true,
          secure: options.cookieSecure,
          maxAge: 365 * 86_400,
        });
      }
      request.t = translator(request.lang);
      const token = request.cookies[options.sessionCookieName];
      if (token) {
        request.sessionToken = token;
        request.viewer = await loadViewer(options.db, token, options.now());
      }
    });
  },
  { name: 'rappel-web' },
);

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    t: request.t,
    lang: request.lang,
    viewer: request.viewer,
    url: request.url,
    csrfToken: reply.generateCsrf(),
  };
}

export function sendPage(reply: FastifyReply, body: string, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}
