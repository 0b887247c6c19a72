import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

export type ReadinessCheck = () => Promise<void> | void;

export interface HealthOptions {
  /** Named checks for /readyz: Postgres, Redis, worker running… Each throws when not ready. */
  checks: Record<string, ReadinessCheck>;
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

/** `/livez`: the process answers. `/readyz`: every dependency answers and we are not stopping. */
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
      const results: Record<string, string> = {};
      let ok = true;
      await Promise.all(
        Object.entries(options.checks).map(async ([name, check]) => {
          try {
            await withTimeout(Promise.resolve().then(check), options.timeoutMs ?? 2_000);
            results[name] = 'ok';
          } catch (error) {
            ok = false;
            results[name] = error instanceof Error ? error.message : 'failed';
          }
        }),
      );
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: results });
    });
  },
  { name: 'rappel-health' },
);
