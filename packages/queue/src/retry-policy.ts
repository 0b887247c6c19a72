/** Retry policy shared by both delivery workers (DESIGN.md, "Lifecycle of one message"). */
export interface RetryPolicy {
  /** Total attempts including the first. Default 5. */
  attempts: number;
  /** Delay before the first retry, in milliseconds. Default 30 000. */
  baseDelayMs: number;
  /** Upper bound of one delay, in milliseconds. Default 1 hour. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 5,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
});

/** The custom BullMQ backoff type name our jobs are added with. */
export const DELIVERY_BACKOFF_TYPE = 'delivery';

/**
 * Delay before retry number `retry` (1 = first retry): exponential, with "equal jitter":
 * half of the exponential step is kept, the other half is random, so retries of a burst
 * spread out yet never come sooner than half the step.
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** True when the attempt that just failed (1-based) was the last one allowed. */
export const isLastAttempt = (attemptNumber: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): boolean =>
  attemptNumber >= policy.attempts;
