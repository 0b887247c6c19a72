import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Database } from '@rappel/db';
import {
  healthPlugin,
  metricsPlugin,
  type ReadinessCheck,
  registerDependencyGauge,
  runCheck,
} from '@rappel/observability';
import type { DeliveryQueues } from '@rappel/queue';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type postgres from 'postgres';
import type { Registry } from 'prom-client';
import type { StatsConfig } from './config';
import { registerStatsMetrics } from './metrics';
import { bullBoardPlugin } from './plugins/bull-board';
import { errorPages } from './plugins/error-pages';
import { webPlugin } from './plugins/web';
import { apiRoutes } from './routes/api';
import { authPages } from './routes/auth-pages';
import type { RouteDeps } from './routes/context';
import { managerPages } from './routes/manager-pages';
import { preferencePages } from './routes/preference-pages';
import { createStatsReader } from './stats/read-stats';
import { APP_CSS } from './views/styles';

export interface AppDeps {
  config: StatsConfig;
  db: Database;
  sql: postgres.Sql;
  queues: DeliveryQueues;
  /** The `scheduler` queue, shown in Bull Board and counted in the queue gauges. */
  schedulerQueue: Queue;
  registry: Registry;
  /** Postgres's ping: /readyz fails while it fails (every page and the API read Postgres). */
  pingPostgres: ReadinessCheck;
  /**
   * Redis's ping: reported by /readyz and `rappel_dependency_up`, never a reason to be unready.
   * Only Bull Board and the publishing of a replay need Redis; the dashboard, the history,
   * the CSV, the stats API and the preferences pages read Postgres alone. Bull Board answers
   * a 503 page and a replay leaves its rows to the relay while it fails.
   */
  pingRedis: ReadinessCheck;
  logger?: FastifyServerOptions['loggerInstance'];
  now?: () => Date;
}

/** Builds stats-service without listening; main.ts and the tests own the lifecycle. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // X-Forwarded-For only from the proxies named in TRUST_PROXY: request.ip keys the sign-in
    // rate limit, and a client that reaches the service directly could choose its own.
    trustProxy: deps.config.TRUST_PROXY ? [...deps.config.TRUST_PROXY] : false,
    // Signed links carry their token in the path (/p/<token>): longer than the default 100.
    routerOptions: { maxParamLength: 1_000 },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const now = deps.now ?? (() => new Date());
  const queues = [deps.queues.email, deps.queues.whatsapp, deps.schedulerQueue] as Queue[];
  const required: Record<string, ReadinessCheck> = { postgres: deps.pingPostgres };
  const reported: Record<string, ReadinessCheck> = { redis: deps.pingRedis };
  registerStatsMetrics(deps.registry, deps.sql, queues, deps.pingRedis);
  registerDependencyGauge(deps.registry, { ...required, ...reported });

  await app.register(swagger, {
    openapi: { info: { title: 'Rappel stats-service', version: '1.0.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(webPlugin, {
    db: deps.db,
    sessionSecret: deps.config.SESSION_SECRET,
    sessionCookieName: deps.config.SESSION_COOKIE_NAME,
    cookieSecure: deps.config.cookieSecure,
    now,
  });
  await app.register(async (docs) => {
    // Swagger UI sets inline styles on its elements; its pages alone allow them.
    docs.addHook('onSend', async (_request, reply, payload) => {
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      );
      return payload;
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  await app.register(healthPlugin, { checks: required, reported });
  await app.register(metricsPlugin, { registry: deps.registry });
  errorPages(app);

  app.get('/assets/app.css', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(APP_CSS),
  );

  const routeDeps: RouteDeps = {
    config: deps.config,
    db: deps.db,
    sql: deps.sql,
    queues: deps.queues,
    redisUp: redisUpOf(deps.pingRedis),
    stats: createStatsReader(deps.sql),
    now,
  };
  await app.register(async (scope) => apiRoutes(scope, routeDeps));
  await app.register(async (scope) => authPages(scope, routeDeps));
  await app.register(async (scope) => managerPages(scope, routeDeps));
  await app.register(async (scope) => preferencePages(scope, routeDeps));
  await app.register(bullBoardPlugin, { queues, redisUp: routeDeps.redisUp });
  return app;
}

/** Milliseconds a page waits for Redis's ping before treating Redis as down. */
const REDIS_PING_TIMEOUT_MS = 1_000;

/** Whether Redis answers its ping now; always true when none is given (Redis assumed up). */
function redisUpOf(ping: ReadinessCheck): () => Promise<boolean> {
  return async () => (await runCheck(ping, REDIS_PING_TIMEOUT_MS)) === 'ok';
}
