import { defineConfig } from 'vitest/config';

/**
 * One vitest project per package and service. Integration tests talk to the real
 * Postgres and Redis (see packages/testing); each test file gets its own database and
 * BullMQ prefix, so files run in parallel safely. Shared test options are in vitest.shared.ts
 * (projects given as config files do not inherit this file's).
 */
export default defineConfig({
  test: {
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    projects: ['packages/*', 'services/*', 'tests/*'],
    pool: 'forks',
  },
});
