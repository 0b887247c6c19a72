import { baseEnvSchema, loadConfig } from '@rappel/config';
import { runMigrations } from './migrate';

const config = loadConfig(baseEnvSchema.pick({ DATABASE_URL: true }), process.env);
await runMigrations(config.DATABASE_URL);
console.log('migrations applied');
