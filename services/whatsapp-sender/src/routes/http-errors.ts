import type { FastifyReply, FastifyRequest } from 'fastify';

/** Our API error body: stable English `code`, French message unless the caller prefers English. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  statusCode: number,
  code: string,
  messages: { fr: string; en: string },
  field?: string,
) {
  const english = /^\s*en\b/i.test(request.headers['accept-language'] ?? '');
  const error = statusCode === 403 ? 'Forbidden' : statusCode === 400 ? 'Bad Request' : 'Error';
  return reply.code(statusCode).send({
    statusCode,
    code,
    error,
    message: english ? messages.en : messages.fr,
    ...(field ? { field } : {}),
  });
}
