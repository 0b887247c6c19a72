import type { DurationClass } from '@rappel/contracts';

const HOUR_MS = 3_600_000;

/** short ≤ 4 h, medium ≤ 24 h, long > 24 h (DESIGN.md). Boundaries belong to the shorter class. */
export function classifyDuration(startsAt: Date, dueAt: Date): DurationClass {
  const ms = dueAt.getTime() - startsAt.getTime();
  if (ms <= 4 * HOUR_MS) return 'short';
  if (ms <= 24 * HOUR_MS) return 'medium';
  return 'long';
}
