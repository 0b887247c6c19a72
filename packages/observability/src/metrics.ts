import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type ReadinessCheck, runCheck } from './health';

/** One registry per process, with Node's default metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

export interface QueueGaugeOptions {
  /**
   * Redis's check, run before the queues are read at each scrape. While it fails the queue
   * series are left out of the scrape: a BullMQ call waits for its connection to be ready, so
   * reading a queue while Redis is down would hold /metrics (and every other metric) until
   * Redis came back. Required: every service's scrape must survive a Redis outage.
   */
  redisCheck: ReadinessCheck;
  /** Milliseconds `redisCheck` may take before it counts as failed. Default 1 000. */
  redisCheckTimeoutMs?: number;
}

/**
 * `rappel_queue_jobs{queue,state}` and `rappel_queue_oldest_waiting_seconds{queue}`, read from
 * Redis at scrape time.
 */
export function registerQueueGauges(
  registry: Registry,
  queues: readonly Queue[],
  options: QueueGaugeOptions,
): void {
  const redisUp = async () =>
    (await runCheck(options.redisCheck, options.redisCheckTimeoutMs ?? 1_000)) === 'ok';
  new Gauge({
    name: 'rappel_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read at scrape time.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!(await redisUp())) return;
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'rappel_queue_oldest_waiting_seconds',
    help: 'Age of the oldest waiting job in each queue, in seconds.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!(await redisUp())) return;
      for (const queue of queues) {
        const [oldest] = await queue.getWaiting(0, 0);
        this.set({ queue: queue.name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      }
    },
  });
}

/**
 * `rappel_dependency_up{dependency}`: 1 when the dependency's check passes at scrape time, else
 * 0 (a check taking over `timeoutMs` fails). It is how a dependency that /readyz only reports
 * (Redis, for a producer) can still be alerted on.
 */
export function registerDependencyGauge(
  registry: Registry,
  checks: Record<string, ReadinessCheck>,
  timeoutMs = 2_000,
): void {
  new Gauge({
    name: 'rappel_dependency_up',
    help: 'Whether each dependency answered its check at scrape time (1) or not (0).',
    labelNames: ['dependency'],
    registers: [registry],
    async collect() {
      await Promise.all(
        Object.entries(checks).map(async ([dependency, check]) => {
          this.set({ dependency }, (await runCheck(check, timeoutMs)) === 'ok' ? 1 : 0);
        }),
      );
    },
  });
}

/** Serves the registry at `/metrics`. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: { registry: Registry }) => {
    app.get('/metrics', { schema: { hide: true } as FastifySchema }, async (_req, reply) => {
      reply.header('content-type', options.registry.contentType);
      return options.registry.metrics();
    });
  },
  { name: 'rappel-metrics' },
);
