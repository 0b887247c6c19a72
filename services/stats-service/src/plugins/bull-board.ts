import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Language } from '@rappel/contracts';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FORBIDDEN_TEXTS } from '../errors';
import { messagePage } from '../views/pages';
import { pageContext, sendPage } from './web';

export const BULL_BOARD_PATH = '/queues';

/** Rappel's languages among @bull-board/ui 9.10's locales (`static/locales/<lng>`). */
const BOARD_LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };
const FRENCH_LOCALE_JSON = JSON.stringify({ locale: { lng: BOARD_LOCALES.fr } }).slice(1, -1);

/**
 * The board's page in the person's language. Its config is one object set at start (French),
 * which the page embeds as JSON (`__UI_CONFIG__`), so an English reader's copy is switched
 * here; the board's own language setting, once chosen in it, still wins.
 */
function inLanguage(page: string, lang: Language): string {
  const tagged = page.replace('<html lang="en"', `<html lang="${lang}"`);
  if (lang === 'fr') return tagged;
  return tagged.replace(
    FRENCH_LOCALE_JSON,
    JSON.stringify({ locale: { lng: BOARD_LOCALES[lang] } }).slice(1, -1),
  );
}

/**
 * 503 while Redis does not answer: the French/English page, or for the board's own JSON API
 * (which its page polls) the API's error shape; `retry-after` as the probe would wait.
 */
function queuesUnavailable(request: FastifyRequest, reply: FastifyReply) {
  reply.header('retry-after', '30').header('cache-control', 'no-store');
  if (request.url.startsWith(`${BULL_BOARD_PATH}/api/`))
    return reply.code(503).send({
      statusCode: 503,
      code: 'QUEUES_UNAVAILABLE',
      error: 'Service Unavailable',
      message: request.t('queuesUnavailableText'),
    });
  return sendPage(
    reply,
    messagePage(pageContext(request, reply), 'queuesUnavailableTitle', 'queuesUnavailableText'),
    503,
  );
}

/**
 * Bull Board for super admins only. Managers get the 403 page: the board can retry, clean and
 * remove jobs in every department's queues, which is not theirs to do (replays go through
 * the history, which records who did it). Its UI needs inline styles and Google fonts, so
 * its pages get their own, looser CSP.
 */
export async function bullBoardPlugin(
  app: FastifyInstance,
  options: { queues: Queue[]; redisUp: () => Promise<boolean> },
) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: options.queues.map((q) => new BullMQAdapter(q)),
    // @bull-board/fastify 9.10.1 declares its own copy of @bull-board/api 9.10.1 types.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Rappel', locale: { lng: BOARD_LOCALES.fr } } },
  });
  // Answered here rather than thrown: Bull Board's routes have their own error handler.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.viewer) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    if (request.viewer.role !== 'super_admin')
      return sendPage(
        reply,
        messagePage(pageContext(request, reply), 'forbiddenTitle', FORBIDDEN_TEXTS.superAdminOnly),
        403,
      );
    // Every board request but its static files reads Redis, and BullMQ waits for a connection
    // that is not ready: while Redis does not answer, say so at once instead of hanging.
    if (!request.url.startsWith(`${BULL_BOARD_PATH}/static/`) && !(await options.redisUp()))
      return queuesUnavailable(request, reply);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
    );
    const boardPage =
      typeof payload === 'string' &&
      String(reply.getHeader('content-type') ?? '').startsWith('text/html') &&
      payload.includes('__UI_CONFIG__');
    return boardPage ? inLanguage(payload, request.lang) : payload;
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
}
