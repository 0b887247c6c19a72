import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { cleanupPrefix, testEnv, uniqueQueuePrefix } from '../../packages/testing/src/index';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Child {
  child: ChildProcess;
  /** Resolves with the text after `<word> ` on the first line starting with `word`. */
  line(word: 'READY' | 'DONE'): Promise<string>;
}

function spawnBaseline(mode: string, params: Record<string, unknown>): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/baseline-child.ts', mode, JSON.stringify(params)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk) => {
    out += chunk;
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    line(word) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = out.split('\n').find((l) => l === word || l.startsWith(`${word} `));
          if (found === undefined) return;
          listeners.delete(check);
          resolve(found.slice(word.length + 1));
        };
        listeners.add(check);
        check();
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          reject(new Error(`baseline ${mode} exited with ${code} before ${word}:\n${err.slice(-2000)}`));
        });
      });
    },
  };
}

/**
 * Bare BullMQ: `total` jobs added (two per "loan", one on each queue, as our publisher does)
 * with `producers` adds in flight, processed by a no-op Worker per queue with `concurrency`
 * in another process. Jobs/s from the first add to the last completion.
 */
export async function bareBullmq({
  total,
  concurrency,
  producers,
}: {
  total: number;
  concurrency: number;
  producers: number;
}): Promise<{ perSecond: number; seconds: number; workerCpuMsPerJob: number }> {
  const prefix = uniqueQueuePrefix('bench-bare-bullmq');
  const connection = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: null });
  const queues = ['email', 'whatsapp'].map((name) => new Queue(name, { connection, prefix }));
  const worker = spawnBaseline('bullmq-worker', { redisUrl: testEnv.redisUrl, prefix, concurrency, total });
  try {
    await worker.line('READY');
    const done = worker.line('DONE');
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: producers }, async () => {
        while (next < total) {
          const i = next;
          next += 2;
          await Promise.all(
            queues.map((q, k) =>
              q.add(
                'loan_created',
                { notificationId: `job-${i + k}` },
                {
                  jobId: `job-${i + k}`,
                  removeOnComplete: { count: 5_000 },
                },
              ),
            ),
          );
        }
      }),
    );
    const { cpuMs } = JSON.parse(await done) as { cpuMs: number };
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: total / seconds, seconds, workerCpuMsPerJob: cpuMs / total };
  } finally {
    worker.child.kill('SIGKILL');
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
    await cleanupPrefix(prefix);
  }
}

/** Bare nodemailer in another process: pooled transport, `total` messages to `smtpUrl`. */
export async function bareNodemailer(params: {
  smtpUrl: string;
  total: number;
  concurrency: number;
  maxConnections: number;
  size: number;
}): Promise<{ perSecond: number; seconds: number; senderCpuMsPerMessage: number }> {
  const child = spawnBaseline('nodemailer', params);
  try {
    const { seconds, cpuMs } = JSON.parse(await child.line('DONE')) as { seconds: number; cpuMs: number };
    return { perSecond: params.total / seconds, seconds, senderCpuMsPerMessage: cpuMs / params.total };
  } finally {
    child.child.kill('SIGKILL');
  }
}
