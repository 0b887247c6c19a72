/**
 * Every benchmark with --smoke, one after the other: each starts what it needs, runs a tiny
 * load and must exit 0. This is what CI runs (`pnpm bench smoke`); the figures mean nothing.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCRIPTS = [
  'bench/end-to-end.ts',
  'bench/latency.ts',
  'bench/reminder-burst.ts',
  'bench/scheduler-sweep.ts',
  'bench/stats.ts',
  'bench/email-sender.ts',
  'bench/whatsapp-sender.ts',
];

const failed: string[] = [];
const started = performance.now();
for (const script of SCRIPTS) {
  const t = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, '--smoke'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 180_000,
  });
  const seconds = ((performance.now() - t) / 1000).toFixed(1);
  if (result.status === 0) {
    console.log(`ok    ${script} --smoke (${seconds} s)`);
  } else {
    failed.push(script);
    console.log(`FAIL  ${script} --smoke (${seconds} s, exit ${result.status ?? result.signal})`);
    console.log(`${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  }
}
console.log(
  `\n${SCRIPTS.length - failed.length}/${SCRIPTS.length} benchmarks ran in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(failed.length ? 1 : 0);
