import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicTask } from './periodic';

const logger = pino({ level: 'silent' });
/** A run's own work: a timer, so the fake clock decides when it ends. */
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Moves the fake clock, running the timers and the promises they settle. */
const elapse = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('startPeriodicTask', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

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
        await work(40);
        concurrent -= 1;
      },
    });
    // Runs start at 5 (ends 45), 50 (ends 90) and 95: the seven ticks in between are skipped.
    await elapse(130);
    const stopped = task.stop();
    await elapse(40);
    await stopped;
    expect(maxConcurrent).toBe(1);
    expect(runs).toBe(3);
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
    await elapse(10);
    await task.stop();
    expect(calls).toBe(2);
    expect(warnings).toHaveLength(1);
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
        await work(30);
        finished += 1;
      },
    });
    await elapse(12);
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await elapse(10);
    expect(stopped).toBe(false);
    await elapse(20);
    await stopping;
    expect(started).toBe(1);
    expect(finished).toBe(1);
    await elapse(100);
    expect(started).toBe(1);
  });
});
