import { randomBytes } from 'node:crypto';
import { createApiKey } from '@rappel/attribution-service/src/auth/api-keys';
import {
  cleanupPrefix,
  createTestDatabase,
  freePort,
  type ServiceName,
  type ServiceProcess,
  startServiceProcess,
  startTestSmtpServer,
  startTwilioContractServer,
  type TestDatabase,
  type TestSmtpServer,
  type TwilioContractServer,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';

/** What the API answered; tests read the fields they expect. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in each test
export type ApiBody = any;

export interface E2eStack {
  tdb: TestDatabase;
  smtp: TestSmtpServer;
  twilio: TwilioContractServer;
  prefix: string;
  /** The processes, in the order asked for. */
  services: ServiceProcess[];
  /** http://127.0.0.1:<port> of a service started with the stack. */
  url(name: ServiceName): string;
  /** Calls attribution-service over HTTP with a global API key (the desk's PMS). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: ApiBody }>;
  /** Stops every service with SIGTERM, then the peers, the prefix and the database; the services' exit codes. */
  close(): Promise<(number | null)[]>;
}

/**
 * A database, a BullMQ prefix, an SMTP server and a Twilio contract server of its own, and
 * `services` each as its own process from its build, as in production. `env` is added to every
 * service's settings. Preferences links point at stats-service when it runs (a closed port
 * otherwise).
 */
export async function startE2eStack(
  label: string,
  { services: names, env = {} }: { services: readonly ServiceName[]; env?: Record<string, string> },
): Promise<E2eStack> {
  const tdb = await createTestDatabase();
  const smtp = await startTestSmtpServer();
  const twilio = await startTwilioContractServer();
  const prefix = uniqueQueuePrefix(label);
  const ports = new Map(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
  const url = (name: ServiceName) => {
    const port = ports.get(name);
    if (port === undefined) throw new Error(`${name} is not part of this stack`);
    return `http://127.0.0.1:${port}`;
  };
  const common = {
    DATABASE_URL: tdb.url,
    REDIS_URL: testEnv.redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL: ports.has('stats-service') ? url('stats-service') : 'http://127.0.0.1:9',
    ...env,
  };
  const own: Partial<Record<ServiceName, () => Record<string, string>>> = {
    'email-sender': () => ({ SMTP_URL: smtp.url, MAIL_FROM: '"Rappel" <desk@hotel.test>' }),
    'whatsapp-sender': () => ({
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
      TWILIO_API_BASE_URL: twilio.url,
      TWILIO_STATUS_CALLBACK_URL: `${url('whatsapp-sender')}/twilio/status`,
    }),
    'reminder-scheduler': () => ({ FIRE_INTERVAL_SECONDS: '1' }),
    'stats-service': () => ({ SESSION_SECRET: randomBytes(32).toString('hex') }),
  };
  const started = await Promise.allSettled(
    names.map((name) =>
      startServiceProcess(name, { ...common, ...own[name]?.() }, { port: ports.get(name)! }),
    ),
  );
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const peers = async () => {
    await Promise.all([smtp.close(), twilio.close()]);
    await cleanupPrefix(prefix);
    await tdb.drop();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await peers();
    throw failed.reason;
  }
  const { key } = await createApiKey(tdb.db, { name: 'desk-pms', departmentId: null });
  return {
    tdb,
    smtp,
    twilio,
    prefix,
    services,
    url,
    async api(method, path, body) {
      const res = await fetch(`${url('attribution-service')}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      const codes = await Promise.all(services.map((s) => s.stop('SIGTERM')));
      await peers();
      return codes;
    },
  };
}
