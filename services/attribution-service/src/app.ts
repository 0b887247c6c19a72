import type { Database } from '@rappel/db';
import type { Clock, CountryCode, ReminderPolicy } from '@rappel/domain';
import {
  createMetricsRegistry,
  healthPlugin,
  metricsPlugin,
  type ReadinessCheck,
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
  /** /readyz checks: Postgres, Redis… */
  readinessChecks?: Record<string, ReadinessCheck>;
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

  await app.register(healthPlugin, { checks: deps.readinessChecks ?? {} });
  await app.register(metricsPlugin, {
    registry: deps.metricsRegistry ?? createMetricsRegistry('attribution-service'),
  });
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
