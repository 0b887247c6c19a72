/**
 * Where the tests find the real servers. CI and the dev machine run Postgres and Redis on
 * loopback; override with TEST_DATABASE_URL / TEST_REDIS_URL.
 * This module is dev-only test plumbing, the one place tests read the environment.
 */
export const testEnv = {
  adminDatabaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

export function databaseUrl(name: string): string {
  const url = new URL(testEnv.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
