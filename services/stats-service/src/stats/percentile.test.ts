import { describe, expect, it } from 'vitest';
import { histogramPercentile } from './percentile';

describe('histogramPercentile', () => {
  it('is null without data', () => {
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
  });

  it('stays inside the bucket that holds the rank', () => {
    // 10 s is in bucket ceil(ln 10 / ln 1.25) = 11: (9.31, 11.64].
    const p50 = histogramPercentile(new Map([[11, 100]]), 0.5)!;
    expect(p50).toBeGreaterThan(9.3);
    expect(p50).toBeLessThanOrEqual(11.7);
  });

  it('puts p95 in the tail bucket', () => {
    const p95 = histogramPercentile(
      new Map([
        [0, 90],
        [20, 10],
      ]),
      0.95,
    )!;
    expect(p95).toBeGreaterThan(1.25 ** 19);
    expect(
      histogramPercentile(
        new Map([
          [0, 90],
          [20, 10],
        ]),
        0.5,
      ),
    ).toBeLessThanOrEqual(1);
  });
});
