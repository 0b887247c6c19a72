/**
 * Percentile read from the latency histogram (`latency_bucket()` in migration stats_rollup):
 * bucket 0 holds delays ≤ 1 s, bucket b > 0 holds (1.25^(b-1), 1.25^b] seconds. The value is
 * interpolated inside the bucket, so it is within one bucket's width (25 %) of the truth.
 */
export function histogramPercentile(buckets: ReadonlyMap<number, number>, p: number): number | null {
  const sorted = [...buckets].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (const [bucket, n] of sorted) {
    if (seen + n >= rank) {
      const lower = bucket === 0 ? 0 : 1.25 ** (bucket - 1);
      const upper = bucket === 0 ? 1 : 1.25 ** bucket;
      const fraction = n === 0 ? 1 : (rank - seen) / n;
      return Math.round((lower + (upper - lower) * fraction) * 10) / 10;
    }
    seen += n;
  }
  return null;
}
