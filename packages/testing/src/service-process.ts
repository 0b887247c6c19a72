import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName =
  | 'attribution-service'
  | 'email-sender'
  | 'whatsapp-sender'
  | 'reminder-scheduler'
  | 'stats-service';

export interface ServiceProcess {
  name: ServiceName;
  /** http://127.0.0.1:<port> */
  url: string;
  child: ChildProcess;
  /** Everything the process printed (pino JSON lines), for assertions and failure reports. */
  output(): string;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs one service as its own process, exactly as `pnpm --filter … start` would
 * (`node --import tsx services/<name>/src/main.ts`), and waits until /readyz answers 200.
 */
export async function startServiceProcess(
  name: ServiceName,
  env: Record<string, string>,
  {
    port,
    readyTimeoutMs = 30_000,
    nodeArgs = [],
  }: {
    port: number;
    readyTimeoutMs?: number;
    /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…'] (not allowed in NODE_OPTIONS). */
    nodeArgs?: string[];
  },
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name,
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        const res = await fetch(`${url}/readyz`);
        return res.status === 200;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200, message: `${name} to be ready` },
    );
  } catch (error) {
    await service.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output.slice(-4000)}`);
  }
  return service;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
