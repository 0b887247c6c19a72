import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

/**
 * Fault scenarios: each starts its own Redis, test SMTP and Twilio servers and the services as
 * processes, so they are slow and are not part of `pnpm test`. They run only when RAPPEL_FAULTS
 * is set (`full` or `smoke`, see src/scale.ts): `pnpm test:faults` / `pnpm test:faults:smoke`.
 */
export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: 'faults',
      include: process.env.RAPPEL_FAULTS ? ['test/**/*.test.ts'] : [],
      passWithNoTests: true,
      testTimeout: 15 * 60_000,
      hookTimeout: 2 * 60_000,
      // Each scenario runs several service processes; two at once is what two cores take.
      fileParallelism: process.env.RAPPEL_FAULTS === 'smoke',
    },
  }),
);
