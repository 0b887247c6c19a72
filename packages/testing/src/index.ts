export { deferred } from './deferred';
export { databaseUrl, testEnv } from './env';
export { type Fixtures, fixtures } from './fixtures';
export {
  buildServicesOnce,
  freePort,
  type ServiceName,
  type ServiceProcess,
  startServiceProcess,
} from './service-process';
export {
  parseRawEmail,
  type ReceivedMessage,
  type SmtpFailure,
  type SmtpStage,
  startTestSmtpServer,
  type TestSmtpServer,
} from './smtp-server';
export { ensureTemplateDatabase, templateDatabaseName } from './template-database';
export { createTestDatabase, type TestDatabase } from './test-database';
export { cleanupPrefix, UNREACHABLE_REDIS_URL, uniqueQueuePrefix } from './test-redis';
export {
  type CreatedTwilioMessage,
  type FormParams,
  type ReceivedTwilioRequest,
  type SignedTwilioRequest,
  type StatusCallbackOptions,
  startTwilioContractServer,
  TWILIO_ERRORS,
  type TwilioContractServer,
  type TwilioContractServerOptions,
  type TwilioFailure,
  type TwilioMessageResource,
  twilioSignature,
} from './twilio-server';
export { waitFor } from './wait-for';
