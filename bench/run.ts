/**
 * `pnpm bench <name> [--smoke] [--full] [script options]`: runs one benchmark as its own
 * process (so one benchmark's memory and JIT state cannot colour the next), then, for the
 * wrapped scripts, prints their figures beside the goals.
 *
 *   end-to-end   loans over HTTP → SMTP + Twilio, beside bare BullMQ and bare nodemailer; peak RSS
 *   memory       the same run, read for the peak RSS of each service (goal < 150 MB)
 *   latency      steady 100 loans/s for 60 s: response → SMTP / Twilio p50/p95/p99
 *   burst        N reminders due at once → every message at the transports (--full: 100 000)
 *   sweep        one due-sweep tick at 10k and 100k open loans (--full: and 1M)
 *   stats        /v1/stats p50/p95 at 1M log rows beside the naive GROUP BY (--full: and 10M)
 *   email-sender, whatsapp-sender   each sender alone, and its render cost
 *   all          end-to-end, latency, burst, sweep, stats in turn
 *   smoke        every benchmark with --smoke (what CI runs)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Figure, printFigures } from './lib/report';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const smoke = rest.includes('--smoke');
const full = rest.includes('--full');

function runScript(script: string, args: string[]): void {
  console.log(`\n$ tsx ${script} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error(`${script} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

interface Timing {
  p50: number;
  p95: number;
}
interface StatsResult {
  rows: number;
  http: Record<string, Timing>;
  naiveGroupByOverLog: Record<string, Timing>;
  purge: { retentionDays: number; deleted: number; seconds: number; countedAfter: number };
}

const STATS_P95_GOAL_MS = 100;
const STATS_SPEED_UP_GOAL = 20;

/** The stats script's JSON, held against the goals: p95 < 100 ms, ≥ 20× faster than naive. */
function statsGoals(rows: number | 'smoke'): void {
  const file = new URL(`results/stats-${rows}.json`, import.meta.url);
  if (!existsSync(file)) throw new Error(`${file.pathname} not written`);
  const r = JSON.parse(readFileSync(file, 'utf8')) as StatsResult;
  const figures: Figure[] = [];
  for (const [view, t] of Object.entries(r.http)) {
    const naive = r.naiveGroupByOverLog[view];
    figures.push({
      name: `${view}: /v1/stats p50 / p95`,
      value: `${t.p50} / ${t.p95} ms`,
      goal: `p95 < ${STATS_P95_GOAL_MS} ms`,
      met: t.p95 < STATS_P95_GOAL_MS,
    });
    if (naive) {
      const speedUp = naive.p95 / t.p95;
      figures.push({
        name: `${view}: naive GROUP BY p50 / p95`,
        value: `${naive.p50} / ${naive.p95} ms (×${speedUp.toFixed(1)} slower)`,
        goal: `≥ ${STATS_SPEED_UP_GOAL}×`,
        met: speedUp >= STATS_SPEED_UP_GOAL,
      });
    }
  }
  figures.push({
    name: `retention purge (${r.purge.retentionDays} days)`,
    value: `${r.purge.deleted.toLocaleString('en')} messages in ${r.purge.seconds} s`,
    goal: 'the stats still count every message',
    met: r.purge.countedAfter === r.rows,
  });
  printFigures(`Stats at ${r.rows.toLocaleString('en')} log rows (goals)`, figures);
}

const passThrough = rest;
const benchmarks: Record<string, () => void> = {
  'end-to-end': () => runScript('bench/end-to-end.ts', passThrough),
  memory: () => runScript('bench/end-to-end.ts', passThrough),
  latency: () => runScript('bench/latency.ts', passThrough),
  burst: () => runScript('bench/reminder-burst.ts', passThrough),
  sweep: () => runScript('bench/scheduler-sweep.ts', passThrough),
  stats: () => {
    const others = passThrough.filter((a) => a !== '--full');
    if (smoke) {
      runScript('bench/stats.ts', others);
      statsGoals('smoke');
      return;
    }
    for (const rows of full ? [1_000_000, 10_000_000] : [1_000_000]) {
      runScript('bench/stats.ts', ['--rows', String(rows), ...others.filter((a) => a !== '--rows')]);
      statsGoals(rows);
    }
  },
  'email-sender': () => runScript('bench/email-sender.ts', passThrough),
  'whatsapp-sender': () => runScript('bench/whatsapp-sender.ts', passThrough),
  smoke: () => runScript('bench/smoke.ts', passThrough),
};
benchmarks.all = () => {
  for (const b of ['end-to-end', 'latency', 'burst', 'sweep', 'stats']) benchmarks[b]!();
};

const chosen = name ? benchmarks[name] : undefined;
if (!chosen) {
  console.error(`usage: pnpm bench <${Object.keys(benchmarks).join('|')}> [--smoke] [--full]`);
  process.exit(2);
}
try {
  chosen();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
