import type { FastifyRequest } from 'fastify';
import { FieldValidationError, ForbiddenError, UnauthorizedError } from '../http/errors';
import type { Caller } from './api-keys';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new UnauthorizedError();
  return request.caller;
}

/** A scoped key sees only its department; a global key sees everything. */
export const canSee = (caller: Caller, departmentId: string | null): boolean =>
  caller.departmentId === null || caller.departmentId === departmentId;

/**
 * The department a new row goes into: the scoped key's own (a different one given is a
 * foreign id, hence `onForeign`, a 404), or the one a global key names (required).
 */
export function departmentForWrite(
  caller: Caller,
  requested: string | undefined | null,
  onForeign: () => Error,
): string {
  if (caller.departmentId) {
    if (requested && requested !== caller.departmentId) throw onForeign();
    return caller.departmentId;
  }
  if (!requested) throw new FieldValidationError('departmentId', 'field.department_required');
  return requested;
}

export function requireGlobal(caller: Caller): void {
  if (caller.departmentId !== null) throw new ForbiddenError();
}
