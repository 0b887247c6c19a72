import type { Database } from '@rappel/db';
import type { Clock, CountryCode, ReminderPolicy } from '@rappel/domain';
import {
  createMetricsRegistry,
  healthPlugin,
  metricsPlugin,
  type ReadinessCheck,
  registerDependencyGauge,
} from '@rappel/observability';
import type { OutboxPublisher } from '@rappel/outbox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { requireApiKey } from './auth/auth-plugin';
import type { ServiceContext } from './context';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { zodValidatorCompiler } from './http/validation';
import { jsonBodiesOnly } from './plugins/json-body';
import { registerOpenApi } from './plugins/openapi';
import { clientRoutes } from './routes/clients';
import { departmentRoutes } from './routes/departments';
import { itemRoutes } from './routes/items';
import { loanRoutes } from './routes/loans';
import { preferenceRoutes } from './routes/preferences';
import { roomRoutes } from './routes/rooms';
import { userRoutes } from './routes/users';

export interface AppDeps {
  db: Database;
  publisher: OutboxPublisher;
  clock: Clock;
  policy: ReminderPolicy;
  /** Region for national phone numbers. Default GA. */
  phoneRegion?: CountryCode;
  /** pino options (see loggerOptions in @rappel/observability), or false for none. */
  logger?: FastifyServerOptions['logger'];
  /** Postgres's ping: /readyz fails while it fails (no request can be served without it). */
  pingPostgres?: ReadinessCheck;
  /**
   * Redis's ping: reported by /readyz and `rappel_dependency_up`, never a reason to be unready.
   * Loans are still made while Redis is down: their messages are rows first, which the
   * scheduler's relay publishes later (docs/design-decisions.md).
   */
  pingRedis?: ReadinessCheck;
  /** Largest accepted body in bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** Prometheus registry to serve at /metrics; one is made when absent. */
  metricsRegistry?: ReturnType<typeof createMetricsRegistry>;
}

/** Builds the attribution-service app without listening; main.ts owns config, listen and shutdown. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  jsonBodiesOnly(app);

  const required: Record<string, ReadinessCheck> = deps.pingPostgres ? { postgres: deps.pingPostgres } : {};
  const reported: Record<string, ReadinessCheck> = deps.pingRedis ? { redis: deps.pingRedis } : {};
  await app.register(healthPlugin, { checks: required, reported });
  const registry = deps.metricsRegistry ?? createMetricsRegistry('attribution-service');
  registerDependencyGauge(registry, { ...required, ...reported });
  await app.register(metricsPlugin, { registry });
  await registerOpenApi(app);

  const ctx: ServiceContext = {
    db: deps.db,
    publisher: deps.publisher,
    clock: deps.clock,
    policy: deps.policy,
    phoneRegion: deps.phoneRegion ?? 'GA',
  };
  await app.register(
    async (v1) => {
      requireApiKey(v1, ctx);
      for (const routes of [
        departmentRoutes,
        userRoutes,
        clientRoutes,
        roomRoutes,
        itemRoutes,
        loanRoutes,
        preferenceRoutes,
      ]) {
        await v1.register(routes, ctx);
      }
    },
    { prefix: '/v1' },
  );
  return app;
}
