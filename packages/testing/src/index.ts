export { databaseUrl, testEnv } from './env';
export { type Fixtures, fixtures } from './fixtures';
export { ensureTemplateDatabase, templateDatabaseName } from './template-database';
export { createTestDatabase, type TestDatabase } from './test-database';
export { cleanupPrefix, UNREACHABLE_REDIS_URL, uniqueQueuePrefix } from './test-redis';
export { waitFor } from './wait-for';
