import { UnrecoverableError } from 'bullmq';

/**
 * A delivery failed for a reason that may pass (SMTP 4xx, timeout, connection refused,
 * Twilio 429/5xx). The job is retried after `retryDelayMs`.
 */
export class TransientDeliveryError extends Error {
  override readonly name = 'TransientDeliveryError';
  constructor(
    /** Provider code as text ("421", "ECONNREFUSED", "20429"). */
    readonly code: string,
    message: string,
    /** Set by the worker from the retry policy before rethrowing. */
    public retryDelayMs?: number,
  ) {
    super(message);
  }
}

/**
 * A delivery can never succeed as asked (SMTP 5xx for the recipient, malformed address,
 * Twilio 21211/21610/63016…). BullMQ does not retry an UnrecoverableError.
 */
export class PermanentDeliveryError extends UnrecoverableError {
  override readonly name = 'PermanentDeliveryError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const isPermanentDeliveryError = (e: unknown): e is PermanentDeliveryError =>
  e instanceof PermanentDeliveryError;
export const isTransientDeliveryError = (e: unknown): e is TransientDeliveryError =>
  e instanceof TransientDeliveryError;
