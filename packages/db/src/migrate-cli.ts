import { parseArgs } from 'node:util';
import { baseEnvSchema, loadConfig } from '@rappel/config';
import { runMigrations, waitForMigrations } from './migrate';

/**
 * `node migrate-cli.js`: applies the pending migrations (the Compose one-shot, the Kubernetes Job).
 * `node migrate-cli.js --wait [--timeout <seconds>]`: applies nothing; exits 0 once the database
 * has every migration this image carries, 1 after the timeout (default 900 s). Each Deployment's
 * init container runs it, so no pod of a release starts before its migrations are in.
 */
const { values } = parseArgs({
  options: { wait: { type: 'boolean', default: false }, timeout: { type: 'string', default: '900' } },
});
const config = loadConfig(baseEnvSchema.pick({ DATABASE_URL: true }), process.env);

if (values.wait) {
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    console.error(`--timeout must be a number of seconds, not "${values.timeout}"`);
    process.exit(2);
  }
  let lastReason = '';
  try {
    await waitForMigrations(config.DATABASE_URL, {
      timeoutMs: timeoutSeconds * 1000,
      // Said once per change, not at every check.
      onWait: (reason) => {
        if (reason !== lastReason) console.log(`waiting for the migrations: ${reason}`);
        lastReason = reason;
      },
    });
  } catch (error) {
    console.error(`migrations: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log('migrations present');
} else {
  await runMigrations(config.DATABASE_URL);
  console.log('migrations applied');
}
