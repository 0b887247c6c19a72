import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, waitFor } from '@rappel/testing';

/**
 * A redis-server of the scenario's own, without persistence, so it can be killed (-9) and
 * started again empty on the same port without touching the shared Redis on 6379.
 */
export interface RedisProcess {
  url: string;
  port: number;
  /** SIGKILL: every key is gone, clients see their connections drop. */
  kill(): Promise<void>;
  /** Starts an empty server on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startRedisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(() => ping(port), { timeoutMs: 10_000, intervalMs: 50, message: `redis on ${port}` });
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, start, stop: kill };
}
