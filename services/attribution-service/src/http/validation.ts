import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue & { input?: unknown };

/** A request part (body, querystring, params) did not match its zod schema. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(
    readonly issues: readonly Issue[],
    readonly part: string,
  ) {
    super(`Invalid ${part}`);
    this.name = 'RequestValidationError';
  }
}

/**
 * Validates with zod and keeps the raw issues (with their input) so the error handler can
 * word them in the caller's language; zod's own messages are only English.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(result.error.issues as Issue[], httpPart ?? 'body') };
  };

/** Dotted path of the field an issue is about ("preferences.whatsappNumber"). */
export function issueField(issue: Issue, part: string): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys[0]) path.push(issue.keys[0]);
  return path.length > 0 ? path.join('.') : part;
}
