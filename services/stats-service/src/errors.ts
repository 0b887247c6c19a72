import createError from '@fastify/error';
import type { MessageKey } from './i18n';

/** HTTP errors with stable codes; `messageKey` picks the person-facing text. */
export const Unauthenticated = createError('UNAUTHENTICATED', 'unauthenticated', 401);

/** Why a 403, which picks the page's text; the API's `code` is FORBIDDEN whatever the reason. */
export type ForbiddenReason = 'managersOnly' | 'superAdminOnly' | 'otherDepartment';
export const FORBIDDEN_TEXTS: Record<ForbiddenReason, MessageKey> = {
  managersOnly: 'forbiddenText',
  superAdminOnly: 'forbiddenSuperAdminText',
  otherDepartment: 'forbiddenDepartmentText',
};
const ForbiddenError = createError('FORBIDDEN', 'forbidden', 403);
export class Forbidden extends ForbiddenError {
  constructor(readonly reason: ForbiddenReason = 'managersOnly') {
    super();
  }
}
export const NotFound = createError('NOT_FOUND', 'notFound', 404);
export const ValidationFailed = createError<[string]>('VALIDATION_FAILED', '%s', 400);

export const MESSAGE_KEYS: Record<string, MessageKey> = {
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'notFound',
  VALIDATION_FAILED: 'validationFailed',
  FST_CSRF_INVALID_TOKEN: 'csrfInvalid',
  FST_CSRF_MISSING_SECRET: 'csrfInvalid',
  FST_ERR_VALIDATION: 'validationFailed',
};
