import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FORBIDDEN_TEXTS, type ForbiddenReason, MESSAGE_KEYS } from '../errors';
import { apiLanguage, type MessageKey, translator } from '../i18n';
import type { PageContext } from '../views/layout';
import { messagePage } from '../views/pages';
import { pageContext, sendPage } from './web';

const isApi = (request: FastifyRequest) => request.url.startsWith('/v1/') || request.url === '/v1';

function fieldOf(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return error.code === 'VALIDATION_FAILED' ? error.message : undefined;
  const path = first.instancePath?.replace(/^\//, '').replaceAll('/', '.');
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  return path || missing || error.validationContext;
}

/**
 * One error handler: API errors as `{ statusCode, code, error, message, field? }` with the
 * message in French unless Accept-Language prefers English; page errors as pages (sign-in
 * for 401, the 403 page, the 404 page). A 5xx never shows its internals.
 */
export function errorPages(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.validation
      ? 400
      : error.statusCode && error.statusCode >= 400
        ? error.statusCode
        : 500;
    const code = error.validation
      ? 'VALIDATION_FAILED'
      : status === 429
        ? 'TOO_MANY_REQUESTS'
        : status >= 500
          ? 'INTERNAL_ERROR'
          : (error.code ?? 'BAD_REQUEST');
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const field = status === 400 ? fieldOf(error) : undefined;
    const reason = (error as { reason?: ForbiddenReason }).reason;
    return respond(request, reply, status, code, field, reason);
  });
  app.setNotFoundHandler((request, reply) => respond(request, reply, 404, 'NOT_FOUND'));
}

/**
 * What a page calls each query parameter its validation may name (the first segment of the
 * failing path: `status.0` is `status`). A parameter missing here reads "the request is not
 * valid" rather than its raw name.
 */
export const FIELD_LABELS: Record<string, MessageKey> = {
  from: 'field.from',
  to: 'field.to',
  status: 'field.status',
  channel: 'field.channel',
  kind: 'field.kind',
  department: 'field.department',
  loan: 'field.loan',
  recipient: 'field.recipient',
  cursor: 'field.cursor',
  limit: 'field.limit',
};

function fieldLabel(field: string | undefined): MessageKey | undefined {
  const name = field?.split('.')[0] ?? '';
  return Object.hasOwn(FIELD_LABELS, name) ? FIELD_LABELS[name] : undefined;
}

function messageKey(status: number, code: string): MessageKey {
  if (status === 429) return 'tooManyRequests';
  if (status >= 500) return 'internalError';
  return (
    MESSAGE_KEYS[code] ?? (status === 403 ? 'forbidden' : status === 404 ? 'notFound' : 'badRequestText')
  );
}

function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  field?: string,
  reason: ForbiddenReason = 'managersOnly',
) {
  if (isApi(request)) {
    const t = translator(apiLanguage(request.headers['accept-language']));
    return reply.code(status).send({
      statusCode: status,
      code,
      error: STATUS_CODES[status] ?? 'Error',
      message: t(messageKey(status, code), { field: field ?? '' }),
      ...(field ? { field } : {}),
    });
  }
  if (status === 401) {
    const next = request.method === 'GET' ? request.url : '/';
    return reply.redirect(`/sign-in?next=${encodeURIComponent(next)}`, 303);
  }
  // Error pages can be reached before the web plugin decorated the request (404 on assets).
  if (!request.t) request.t = translator('fr');
  const ctx = pageContext(request, reply);
  const page =
    status === 403 && !code.startsWith('FST_CSRF')
      ? messagePage(ctx, 'forbiddenTitle', FORBIDDEN_TEXTS[reason])
      : status === 404
        ? messagePage(ctx, 'notFoundTitle', 'notFoundText')
        : status >= 500
          ? messagePage(ctx, 'errorTitle', 'errorText')
          : errorPage(ctx, messageKey(status, code), field);
  return sendPage(reply, page, status);
}

function errorPage(ctx: PageContext, key: MessageKey, field: string | undefined) {
  if (key !== 'validationFailed') return messagePage(ctx, 'errorTitle', key);
  const label = fieldLabel(field);
  return label
    ? messagePage(ctx, 'errorTitle', key, { field: ctx.t(label) })
    : messagePage(ctx, 'errorTitle', 'badRequestText');
}
