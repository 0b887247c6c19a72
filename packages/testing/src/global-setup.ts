import { buildServicesOnce } from './service-process';
import { ensureTemplateDatabase } from './template-database';

/**
 * vitest globalSetup, once per run: migrate the template database, and build the services
 * (services/<name>/dist/main.js) that process-level tests start, so none runs stale code.
 */
export default async function setup(): Promise<void> {
  await Promise.all([ensureTemplateDatabase(), buildServicesOnce()]);
}
