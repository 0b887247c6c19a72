import { randomBytes } from 'node:crypto';
import { createApiKey } from '@rappel/attribution-service/src/auth/api-keys';
import { LANGUAGES, NOTIFICATION_KINDS, type NotificationKind } from '@rappel/contracts';
import {
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
  uniqueQueuePrefix,
} from '@rappel/testing';
import { type RedisProcess, startRedisProcess } from './redis-process';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** One approved Content template per kind and language, so each WhatsApp request names its kind. */
const CONTENT_SIDS: Record<string, string> = {};
const KIND_OF_SID = new Map<string, NotificationKind>();
NOTIFICATION_KINDS.forEach((kind, k) => {
  LANGUAGES.forEach((language, l) => {
    const sid = `HX${(k * 16 + l).toString(16).padStart(32, '0')}`;
    CONTENT_SIDS[`${kind}:${language}`] = sid;
    KIND_OF_SID.set(sid, kind);
  });
});
export const kindOfContentSid = (sid: string): NotificationKind | undefined => KIND_OF_SID.get(sid);

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely
  body: any;
  /** Milliseconds from sending the request to the end of the answer. */
  ms: number;
}

/**
 * Everything one fault scenario runs against, all its own: a database (through a proxy that can
 * cut it off), a redis-server process, a BullMQ prefix, an SMTP server (through a proxy) and a
 * Twilio contract server. Services are started as processes with `start(name)`.
 */
export interface Scenario {
  tdb: TestDatabase;
  redis: RedisProcess;
  prefix: string;
  pg: TcpProxy;
  smtp: TestSmtpServer;
  smtpProxy: TcpProxy;
  twilio: TwilioContractServer;
  services: ServiceProcess[];
  /** Starts one more process of a service; `env` overrides the scenario's settings. */
  start(name: ServiceName, env?: Record<string, string>): Promise<ServiceProcess>;
  /** Calls attribution-service (the first one started) with an API key; never throws on a status. */
  api(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<ApiAnswer>;
  /** Stops every process (SIGKILL: the scenario's Redis and database go with them) and everything else. */
  close(): Promise<void>;
}

export async function startScenario(label: string): Promise<Scenario> {
  const tdb = await createTestDatabase();
  const redis = await startRedisProcess();
  const prefix = uniqueQueuePrefix(`faults-${label}`);
  const dbUrl = new URL(tdb.url);
  const pg = await startTcpProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
  const smtp = await startTestSmtpServer();
  const smtpProxy = await startTcpProxy({ port: smtp.port });
  const twilio = await startTwilioContractServer();
  const services: ServiceProcess[] = [];
  const viaProxy = new URL(tdb.url);
  viaProxy.host = pg.address;
  const { key } = await createApiKey(tdb.db, { name: `faults-${label}`, departmentId: null });

  const common: Record<string, string> = {
    DATABASE_URL: viaProxy.toString(),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    APP_TIMEZONE: 'Africa/Libreville',
    LOG_LEVEL: 'warn',
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL: 'http://127.0.0.1:3004',
    SHUTDOWN_GRACE_SECONDS: '10',
  };
  const envFor = async (name: ServiceName, port: number): Promise<Record<string, string>> => {
    switch (name) {
      case 'email-sender':
        return {
          ...common,
          SMTP_URL: `smtp://${smtpProxy.address}`,
          MAIL_FROM: '"Rappel" <desk@hotel.test>',
          SMTP_TIMEOUT_MS: '10000',
          EMAIL_CONCURRENCY: '10',
          RETRY_BASE_DELAY_MS: '2000',
          DELIVERY_LEASE_SECONDS: '15',
        };
      case 'whatsapp-sender':
        return {
          ...common,
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
          TWILIO_API_BASE_URL: twilio.url,
          TWILIO_STATUS_CALLBACK_URL: `http://127.0.0.1:${port}/twilio/status`,
          TWILIO_CONTENT_SIDS: JSON.stringify(CONTENT_SIDS),
          WHATSAPP_CONCURRENCY: '10',
          RETRY_BASE_DELAY_MS: '2000',
          DELIVERY_LEASE_SECONDS: '15',
        };
      case 'reminder-scheduler':
        return {
          ...common,
          FIRE_INTERVAL_SECONDS: '1',
          RELAY_INTERVAL_SECONDS: '2',
          RELAY_GRACE_SECONDS: '2',
        };
      default:
        return common;
    }
  };

  const scenario: Scenario = {
    tdb,
    redis,
    prefix,
    pg,
    smtp,
    smtpProxy,
    twilio,
    services,
    async start(name, env = {}) {
      const port = await freePort();
      const service = await startServiceProcess(name, { ...(await envFor(name, port)), ...env }, { port });
      services.push(service);
      return service;
    },
    async api(method, path, body, timeoutMs = 15_000) {
      const base = services.find((s) => s.name === 'attribution-service');
      if (!base) throw new Error('attribution-service is not running');
      const started = performance.now();
      const res = await fetch(`${base.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed, ms: performance.now() - started };
    },
    async close() {
      await Promise.all(services.map((s) => s.stop('SIGKILL')));
      await Promise.allSettled([smtp.close(), twilio.close(), smtpProxy.close(), pg.close(), redis.stop()]);
      await tdb.drop();
    },
  };
  return scenario;
}
