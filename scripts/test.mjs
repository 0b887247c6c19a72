// `npm test` / `pnpm test`: installs exactly the locked dependencies with the pinned pnpm
// (a no-op when they are there), then runs every test project. Extra arguments go to vitest
// (`npm test -- --project domain`). Needs Postgres on 127.0.0.1:5432 and Redis on 6379.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPnpm } from './lib/pnpm.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

if (runPnpm(['install', '--frozen-lockfile'], ROOT) !== 0) process.exit(1);
process.exit(runPnpm(['exec', 'vitest', 'run', ...process.argv.slice(2)], ROOT));
