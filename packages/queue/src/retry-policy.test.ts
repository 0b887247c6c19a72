import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, isLastAttempt, retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  it('doubles the step at each retry, jittered within its upper half', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 1)).toBe(30_000);
    expect(retryDelayMs(2, DEFAULT_RETRY_POLICY, () => 1)).toBe(60_000);
    expect(retryDelayMs(4, DEFAULT_RETRY_POLICY, () => 0)).toBe(120_000);
  });

  it('never exceeds the cap and never goes below half the step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, r) => {
        const delay = retryDelayMs(retry, DEFAULT_RETRY_POLICY, () => r);
        const step = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, 30_000 * 2 ** (retry - 1));
        expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
      }),
    );
  });

  it('knows the last attempt', () => {
    expect(isLastAttempt(4)).toBe(false);
    expect(isLastAttempt(5)).toBe(true);
  });
});
