import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

export type ReadinessCheck = () => Promise<void> | void;

export interface HealthOptions {
  /** Named checks for /readyz: Postgres, Redis, worker running… Each throws when not ready. */
  checks: Record<string, ReadinessCheck>;
  /**
   * Named checks reported in /readyz's body (`reported`, status `degraded` when one fails) that
   * never make it fail: a dependency the service keeps serving without, such as Redis for a
   * producer whose outbox rows the scheduler's relay publishes later. Taking the pods out of
   * the load balancer would turn that outage into a full one.
   */
  reported?: Record<string, ReadinessCheck>;
  /** Milliseconds one check may take before it counts as failed. Default 2 000. */
  timeoutMs?: number;
}

export interface HealthState {
  /** Called by main.ts when shutdown starts: /readyz answers 503 from then on. */
  markShuttingDown(): void;
  readonly shuttingDown: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthState;
  }
}

const withTimeout = (p: Promise<void>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

/** Runs one check within `timeoutMs`: `'ok'`, or why it failed. Never throws. */
export async function runCheck(check: ReadinessCheck, timeoutMs = 2_000): Promise<string> {
  try {
    await withTimeout(Promise.resolve().then(check), timeoutMs);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : 'failed';
  }
}

/** Every check of `checks` run at once, by name. */
async function runChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number | undefined,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * `/livez`: the process answers. `/readyz`: every required dependency (`checks`) answers and we
 * are not stopping; the `reported` ones are only described.
 */
export const healthPlugin = fp(
  async (app: FastifyInstance, options: HealthOptions) => {
    let shuttingDown = false;
    app.decorate('health', {
      markShuttingDown: () => {
        shuttingDown = true;
      },
      get shuttingDown() {
        return shuttingDown;
      },
    });
    // `hide` is read by @fastify/swagger: probes stay out of the OpenAPI document.
    const hide = { schema: { hide: true } as FastifySchema };
    app.get('/livez', hide, async () => ({ status: 'ok' }));
    app.get('/readyz', hide, async (_req, reply) => {
      if (shuttingDown) return reply.code(503).send({ status: 'shutting_down' });
      const [checks, reported] = await Promise.all([
        runChecks(options.checks, options.timeoutMs),
        runChecks(options.reported ?? {}, options.timeoutMs),
      ]);
      const allOk = (results: Record<string, string>) => Object.values(results).every((r) => r === 'ok');
      const body = options.reported ? { checks, reported } : { checks };
      if (!allOk(checks)) return reply.code(503).send({ status: 'unavailable', ...body });
      return reply.send({ status: allOk(reported) ? 'ok' : 'degraded', ...body });
    });
  },
  { name: 'rappel-health' },
);
