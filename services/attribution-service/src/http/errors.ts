import createError from '@fastify/error';
import type { MessageKey } from './messages';

/**
 * HTTP errors with stable codes. The message given here is the English text for logs;
 * the error handler answers with the French or English text of the code (messages.ts).
 */
const FieldValidationBase = createError<[string]>('VALIDATION_FAILED', 'Invalid value for %s', 400);

/** A rule checked after schema validation (phone numbers, due dates…) failed on one field. */
export class FieldValidationError extends FieldValidationBase {
  constructor(
    readonly field: string,
    readonly messageKey: MessageKey,
  ) {
    super(field);
  }
}

export const UnauthorizedError = createError('UNAUTHORIZED', 'Missing or invalid API key', 401);
export const ForbiddenError = createError('FORBIDDEN', 'This API key does not allow this operation', 403);

export const NotFound = {
  department: createError('DEPARTMENT_NOT_FOUND', 'Department not found', 404),
  user: createError('USER_NOT_FOUND', 'User not found', 404),
  client: createError('CLIENT_NOT_FOUND', 'Client not found', 404),
  room: createError('ROOM_NOT_FOUND', 'Room not found', 404),
  item: createError('ITEM_NOT_FOUND', 'Item not found', 404),
  loan: createError('LOAN_NOT_FOUND', 'Loan not found', 404),
} as const;

export const Conflict = {
  itemAlreadyOnLoan: createError('ITEM_ALREADY_ON_LOAN', 'Item already on loan', 409),
  loanAlreadyReturned: createError('LOAN_ALREADY_RETURNED', 'Loan already returned', 409),
  loanCancelled: createError('LOAN_CANCELLED', 'Loan is cancelled', 409),
  itemInactive: createError('ITEM_INACTIVE', 'Item is inactive', 409),
  inventoryNumberTaken: createError('INVENTORY_NUMBER_TAKEN', 'Inventory number already in use', 409),
  assetIdTaken: createError('ASSET_ID_TAKEN', 'Asset id already in use in this department', 409),
  emailTaken: createError('EMAIL_TAKEN', 'E-mail already in use', 409),
  nameTaken: createError('NAME_TAKEN', 'Name already in use', 409),
} as const;

/** The conflicting field, for 409s that have one. */
export const CONFLICT_FIELDS: Record<string, string> = {
  ITEM_ALREADY_ON_LOAN: 'itemId',
  INVENTORY_NUMBER_TAKEN: 'inventoryNumber',
  ASSET_ID_TAKEN: 'assetId',
  EMAIL_TAKEN: 'email',
  NAME_TAKEN: 'name',
};
