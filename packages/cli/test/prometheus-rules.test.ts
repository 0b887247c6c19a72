import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEDULER_JOBS, type SchedulerJobName } from '@rappel/contracts';
import { registerJobSchedulers, type SchedulerQueue } from '@rappel/reminder-scheduler/src/job-schedulers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The scheduler alerts name the scheduler's jobs: a job renamed or added without the rules
 * following would be silently unwatched. promtool (.ci/infra-checks) tests how the rules fire;
 * this checks they name the jobs that exist, split by how often each runs.
 */
const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, root)), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: the rules file is read field by field below
const rules: any = parse(read('infra/prometheus/rappel-rules.yml'));
const rulesTest = read('infra/prometheus/rappel-rules.test.yml');

function alertExpr(name: string): string {
  for (const group of rules.groups) {
    for (const rule of group.rules) if (rule.alert === name) return rule.expr;
  }
  throw new Error(`no alert ${name}`);
}

/** The job names an expression selects with scheduler_job=~"a|b". */
function selectedJobs(expr: string): string[] {
  const match = /scheduler_job=~"([^"]+)"/.exec(expr);
  if (!match) throw new Error(`no scheduler_job=~ selector in ${expr}`);
  return match[1]!.split('|').sort();
}

/** Each job scheduler as the scheduler registers it: every N ms, or a daily cron pattern. */
async function registeredSchedules(): Promise<Map<SchedulerJobName, { every?: number; pattern?: string }>> {
  const schedules = new Map<SchedulerJobName, { every?: number; pattern?: string }>();
  // An empty Redis: nothing installed yet, so every scheduler is upserted.
  const queue = {
    getJobScheduler: async () => undefined,
    getJobSchedulers: async () => [],
    upsertJobScheduler: async (id: SchedulerJobName, repeat: { every?: number; pattern?: string }) => {
      schedules.set(id, repeat);
    },
  } as unknown as SchedulerQueue;
  await registerJobSchedulers(queue, {
    fireIntervalSeconds: 15,
    relayIntervalSeconds: 30,
    retentionTime: '02:00',
    dailyReportTime: '07:30',
    zone: 'Africa/Libreville',
  });
  return schedules;
}

describe('scheduler alerts (infra/prometheus/rappel-rules.yml)', () => {
  it('RappelSchedulerStalled watches exactly the jobs that run every few seconds', async () => {
    const schedules = await registeredSchedules();
    const frequent = [...schedules].filter(([, s]) => s.every !== undefined).map(([id]) => id);
    expect(frequent.length).toBeGreaterThan(0);
    for (const id of frequent) expect(schedules.get(id)!.every!).toBeLessThan(300_000);
    expect(selectedJobs(alertExpr('RappelSchedulerStalled'))).toEqual(frequent.sort());
  });

  it('RappelSchedulerDailyJobMissed watches exactly the daily jobs', async () => {
    const schedules = await registeredSchedules();
    const daily = [...schedules].filter(([, s]) => s.pattern !== undefined).map(([id]) => id);
    for (const id of daily) expect(schedules.get(id)!.pattern).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(selectedJobs(alertExpr('RappelSchedulerDailyJobMissed'))).toEqual(daily.sort());
    expect(schedules.size).toBe(Object.keys(SCHEDULER_JOBS).length);
  });

  it("reads the label the scheduler emits (scheduler_job), never the scrape job's", () => {
    // The scheduler's side is checked on its /metrics (services/reminder-scheduler/test/app.test.ts).
    const text = read('infra/prometheus/rappel-rules.yml');
    expect(text).toContain('max by (scheduler_job) (rappel_scheduler_last_tick_seconds)');
    expect(text).not.toMatch(/by \(job\)|\$labels\.job\b|exported_job/);
  });

  it('the promtool tests use job names that exist', () => {
    const used = new Set([...rulesTest.matchAll(/scheduler_job="([^"]+)"/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(Object.values(SCHEDULER_JOBS)).toContain(name);
    for (const line of rulesTest.split('\n').filter((l) => l.includes('scheduler_job:'))) {
      expect(Object.values(SCHEDULER_JOBS)).toContain(line.split(':')[1]!.trim());
    }
  });
});
