export { runCli } from './cli';
export { checkProviders, checkSmtp, checkTwilio, type ProviderCheck } from './commands/check-providers';
export { createApiKey } from './commands/create-api-key';
export { createUser } from './commands/create-user';
export { purge } from './commands/purge';
export { findRetryable, RETRYABLE_STATUSES, retryFailed } from './commands/retry-failed';
export { DEMO_PASSWORD, type DemoSummary, seedDemo } from './commands/seed-demo';
export { loadCliConfig, loadProvidersConfig } from './config';
