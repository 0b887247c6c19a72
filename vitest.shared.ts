import { defineProject } from 'vitest/config';

/**
 * Test options every project shares. Projects referenced as config files do not inherit the
 * root config in vitest 4, so each project merges this explicitly. Integration tests talk to
 * real Postgres, Redis and service processes: the timeouts leave room for a loaded CI machine;
 * they bound a hang, they do not measure speed.
 */
export default defineProject({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
