import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltBundle } from '../../../scripts/build.mjs';
import { SERVICE_NODE_FLAGS } from '../../../scripts/lib/node-flags.mjs';
import { waitFor } from './wait-for';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let built: Promise<BuiltBundle[]> | undefined;

/**
 * Builds every service's dist/main.js (scripts/build.mjs, what `pnpm build` runs), once per
 * process. The vitest globalSetup and the benchmarks call it before any service starts, so a
 * test never runs a stale bundle. Imported on demand: test workers never load esbuild.
 */
export function buildServicesOnce(): Promise<BuiltBundle[]> {
  built ??= import('../../../scripts/build.mjs').then((m) => m.buildServices({ quiet: true }));
  return built;
}

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
 * Runs one service as its own process from its build, as production does
 * (`node services/<name>/dist/main.js`), and waits until /readyz answers 200. The build must
 * exist: the vitest globalSetup and the benchmarks make it (buildServicesOnce).
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
  const main = join('services', name, 'dist', 'main.js');
  if (!existsSync(join(ROOT, main))) throw new Error(`${main} does not exist: run \`pnpm build\` first`);
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...nodeArgs, main], {
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
