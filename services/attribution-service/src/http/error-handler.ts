import { STATUS_CODES } from 'node:http';
import type { Language } from '@rappel/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CONFLICT_FIELDS, FieldValidationError } from './errors';
import { preferredLanguage } from './language';
import { isMessageKey, type MessageKey, translate } from './messages';
import { isDatabaseUnavailable, isTransactionConflict, pgErrorOf } from './pg-errors';
import { issueField, RequestValidationError } from './validation';

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  field?: string;
  details?: { path: string; message: string }[];
}

const LOCALES = { fr: z.locales.fr().localeError, en: z.locales.en().localeError } as const;

/** Fastify's own 4xx codes, mapped to ours. */
const FASTIFY_CODES: Record<string, MessageKey> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
};

function issueMessage(issue: RequestValidationError['issues'][number], lang: Language): string {
  if (isMessageKey(issue.message)) return translate(issue.message, lang);
  const localised = LOCALES[lang](issue as unknown as z.core.$ZodRawIssue);
  return (typeof localised === 'string' ? localised : localised?.message) ?? issue.message;
}

function body(statusCode: number, code: string, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra };
}

export function toErrorBody(error: FastifyError | Error, lang: Language): ErrorBody {
  if (error instanceof RequestValidationError) {
    const details = error.issues.map((issue) => ({
      path: issueField(issue, error.part),
      message: issueMessage(issue, lang),
    }));
    const first = details[0] ?? { path: error.part, message: translate('VALIDATION_FAILED', lang) };
    return body(400, 'VALIDATION_FAILED', `${first.path} : ${first.message}`, { field: first.path, details });
  }
  if (error instanceof FieldValidationError) {
    const message = translate(error.messageKey, lang);
    return body(400, 'VALIDATION_FAILED', `${error.field} : ${message}`, {
      field: error.field,
      details: [{ path: error.field, message }],
    });
  }
  const fastifyError = error as FastifyError;
  // Postgres down or restarting, or a transaction rolled back as a deadlock victim (40P01) or
  // for a serialization conflict (40001): the caller may retry, nothing was written by halves.
  if (isDatabaseUnavailable(error) || isTransactionConflict(error))
    return body(503, 'SERVICE_UNAVAILABLE', translate('SERVICE_UNAVAILABLE', lang));
  const pg = pgErrorOf(error);
  // Safety net: a constraint or data error that slipped past validation is still the caller's.
  if (pg?.code === '23505') return body(409, 'CONFLICT', translate('CONFLICT', lang));
  if (pg && (pg.code.startsWith('22') || pg.code.startsWith('23'))) {
    return body(400, 'BAD_REQUEST', translate('BAD_REQUEST', lang));
  }
  const statusCode = fastifyError.statusCode ?? 500;
  if (statusCode >= 500 || statusCode < 400) {
    const code = statusCode === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR';
    return body(statusCode === 503 ? 503 : 500, code, translate(code, lang));
  }
  const mapped =
    FASTIFY_CODES[fastifyError.code] ?? (error instanceof SyntaxError ? 'MALFORMED_JSON' : undefined);
  // Unparseable JSON is the whole body's fault: every 400 names the field at fault.
  if (mapped)
    return body(
      statusCode,
      mapped,
      translate(mapped, lang),
      mapped === 'MALFORMED_JSON' ? { field: 'body' } : {},
    );
  if (isMessageKey(fastifyError.code)) {
    const field = CONFLICT_FIELDS[fastifyError.code];
    return body(statusCode, fastifyError.code, translate(fastifyError.code, lang), field ? { field } : {});
  }
  return body(statusCode, 'BAD_REQUEST', translate('BAD_REQUEST', lang));
}

/** The app's one error handler: stable codes, localised messages, no internals in a 5xx. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const payload = toErrorBody(error, preferredLanguage(request.headers['accept-language']));
  if (payload.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: payload.code, field: payload.field }, 'request refused');
  return reply.code(payload.statusCode).type('application/json').send(payload);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const lang = preferredLanguage(request.headers['accept-language']);
  return reply.code(404).send(body(404, 'ROUTE_NOT_FOUND', translate('ROUTE_NOT_FOUND', lang)));
}
