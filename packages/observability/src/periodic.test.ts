import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startPeriodicTask } from './periodic';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startPeriodicTask', () => {
  it('runs one at a time: ticks during a slow run are skipped', async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const task = startPeriodicTask({
      name: 'slow',
      intervalMs: 5,
      logger,
      run: async () => {
        runs += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(40);
        concurrent -= 1;
      },
    });
    await sleep(130);
    await task.stop();
    expect(maxConcurrent).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(4);
  });

  it('logs a failed run and tries again at the next tick', async () => {
    const warnings: unknown[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    let calls = 0;
    const task = startPeriodicTask({
      name: 'flaky',
      intervalMs: 5,
      logger: recording,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database away');
      },
    });
    await sleep(60);
    await task.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toMatchObject({
      task: 'flaky',
      msg: 'flaky failed',
      err: { message: 'database away' },
    });
  });

  it('stop waits for the run in flight, and no run starts after it', async () => {
    let finished = 0;
    let started = 0;
    const task = startPeriodicTask({
      name: 'in-flight',
      intervalMs: 5,
      logger,
      run: async () => {
        started += 1;
        await sleep(30);
        finished += 1;
      },
    });
    await sleep(12);
    await task.stop();
    expect(started).toBe(1);
    expect(finished).toBe(1);
    await sleep(30);
    expect(started).toBe(1);
  });
});
