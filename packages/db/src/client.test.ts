import { describe, expect, it } from 'vitest';
import { reconnectBackoff } from './client';

describe('reconnectBackoff', () => {
  it('starts fast and never waits longer than the cap, so queries fail or resume within seconds', () => {
    const backoff = reconnectBackoff(1);
    expect(backoff(0, () => 1)).toBeCloseTo(0.05);
    expect(backoff(3, () => 1)).toBeCloseTo(0.4);
    for (let retries = 0; retries < 50; retries++) {
      expect(backoff(retries, () => 1)).toBeLessThanOrEqual(1);
      expect(backoff(retries, () => 0)).toBeGreaterThan(0);
    }
  });
});
