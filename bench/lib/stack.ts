import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  cleanupPrefix,
  createTestDatabase,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '../../packages/testing/src/index';
import {
  buildServicesOnce,
  freePort,
  type ServiceName,
  type ServiceProcess,
  startServiceProcess,
} from '../../packages/testing/src/service-process';
import { type SmtpSink, startSmtpSink } from './smtp-sink';
import { startTwilioProbe, type TwilioProbe } from './twilio-probe';

export const ALL_SERVICES: readonly ServiceName[] = [
  'attribution-service',
  'email-sender',
  'whatsapp-sender',
  'reminder-scheduler',
  'stats-service',
];

export interface StackOptions {
  services: readonly ServiceName[];
  /** Extra variables for every service. */
  env?: Record<string, string>;
  /** Extra variables per service (win over `env`). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Services to run under `node --cpu-prof`; profiles go to bench/results/profiles/. */
  cpuProf?: readonly ServiceName[];
  /** Called once the database exists and before any service starts (seeding). */
  beforeServices?: (db: TestDatabase) => Promise<void>;
}

/** A fresh database, a queue prefix, the transports' peers on loopback and the services as processes. */
export interface Stack {
  db: TestDatabase;
  prefix: string;
  smtp: SmtpSink;
  twilio: TwilioProbe;
  services: Partial<Record<ServiceName, ServiceProcess>>;
  url(name: ServiceName): string;
  /** Each running service process's memory, in MB (see `ServiceMemory`). */
  memoryMb(): Partial<Record<ServiceName, ServiceMemory>>;
  /** Stops the services (SIGTERM, so profiles are written), the peers, and drops what it made. */
  stop(): Promise<void>;
}

export const PROFILE_DIR = new URL('../results/profiles/', import.meta.url).pathname;
/** Each service's output of the last run, bench/results/logs/<service>.log (gitignored). */
export const LOG_DIR = new URL('../results/logs/', import.meta.url).pathname;
const LINK_SECRET = 'bench-link-signing-secret-0123456789abcdef';

/**
 * A process's resident memory, in MB (NaN once it has exited). `peakRss` (VmHWM) is what the
 * memory goal reads. `fileBacked` (RssFile, read now) is the part that is pages of files: the
 * node binary's code above all, ~45 MB, the same pages in every Node process on the host,
 * which the kernel can drop and read again. What a service holds of its own is the rest.
 */
export interface ServiceMemory {
  peakRss: number;
  fileBacked: number;
}

export function serviceMemoryMb(pid: number | undefined): ServiceMemory {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // exited: both NaN
  }
  const mb = (field: string) => {
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  };
  return { peakRss: mb('VmHWM'), fileBacked: mb('RssFile') };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  // The services run from their build (services/<name>/dist/main.js), as in production.
  await buildServicesOnce();
  const db = await createTestDatabase();
  const prefix = uniqueQueuePrefix('bench');
  const smtp = await startSmtpSink();
  const twilio = await startTwilioProbe();
  const services: Stack['services'] = {};
  const stop = async () => {
    await Promise.all(Object.values(services).map((s) => s.stop('SIGTERM')));
    // What each service logged (LOG_LEVEL=warn: warnings and errors), for a run that went wrong.
    mkdirSync(LOG_DIR, { recursive: true });
    for (const [name, s] of Object.entries(services)) writeFileSync(`${LOG_DIR}${name}.log`, s.output());
    await smtp.close();
    await twilio.close();
    await cleanupPrefix(prefix);
    await db.drop();
  };
  try {
    await options.beforeServices?.(db);
    const common: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: testEnv.redisUrl,
      QUEUE_PREFIX: prefix,
      SHUTDOWN_GRACE_SECONDS: '10',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3004',
      LINK_SIGNING_SECRET: LINK_SECRET,
      ...options.env,
    };
    const perService: Record<ServiceName, Record<string, string>> = {
      'attribution-service': {},
      'email-sender': { SMTP_URL: smtp.url, MAIL_FROM: '"Rappel" <rappel@bench.test>' },
      'whatsapp-sender': {
        TWILIO_ACCOUNT_SID: twilio.server.accountSid,
        TWILIO_AUTH_TOKEN: twilio.server.authToken,
        TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
        TWILIO_API_BASE_URL: twilio.server.url,
        TWILIO_STATUS_CALLBACK_URL: 'http://127.0.0.1:3003/twilio/status',
        // 80/s is Twilio's per-sender throughput, a contract limit rather than ours: a bench
        // that kept it would measure the limiter. See docs/benchmarks.md.
        WHATSAPP_RATE_LIMIT_PER_SECOND: '10000',
      },
      'reminder-scheduler': {},
      'stats-service': { SESSION_SECRET: 'bench-session-secret-0123456789abcdef012' },
    };
    // Started one after the other: five start-ups at once on a loaded two-core machine are slow.
    for (const name of options.services) {
      const profile = options.cpuProf?.includes(name);
      // One folder per service: each of its threads that runs JavaScript writes a profile.
      const profileDir = `${PROFILE_DIR}${name}`;
      if (profile) mkdirSync(profileDir, { recursive: true });
      services[name] = await startServiceProcess(
        name,
        {
          ...common,
          ...perService[name],
          ...options.serviceEnv?.[name],
        },
        {
          port: await freePort(),
          readyTimeoutMs: 90_000,
          nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
        },
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    db,
    prefix,
    smtp,
    twilio,
    services,
    url(name) {
      const s = services[name];
      if (!s) throw new Error(`${name} is not part of this stack`);
      return s.url;
    },
    memoryMb() {
      return Object.fromEntries(
        Object.entries(services).map(([name, s]) => [name, serviceMemoryMb(s.child.pid)]),
      ) as Partial<Record<ServiceName, ServiceMemory>>;
    },
    stop,
  };
}

/** How the first `count` borrowers' messages arrived: each address once is the goal. */
export function deliveryCheck(
  stack: Stack,
  addresses: { emails: readonly string[]; phones: readonly (string | null)[] },
  count: number,
): { emails: number; whatsapp: number; missing: number; duplicates: number } {
  let emails = 0;
  let whatsapp = 0;
  let missing = 0;
  let duplicates = 0;
  const tally = (n: number | undefined) => {
    if (!n) missing += 1;
    else if (n > 1) duplicates += n - 1;
    return n ?? 0;
  };
  for (let i = 0; i < count; i++) {
    emails += tally(stack.smtp.perRecipient.get(addresses.emails[i]!.toLowerCase()));
    const phone = addresses.phones[i];
    if (phone) whatsapp += tally(stack.twilio.perRecipient.get(phone));
  }
  return { emails, whatsapp, missing, duplicates };
}
