import { Readable } from 'node:stream';
import { localDateOf } from '@rappel/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFound, ValidationFailed } from '../errors';
import { apiLanguage } from '../i18n';
import { csvStream } from '../notifications/csv';
import { historyFilterSchema, historyQuerySchema } from '../notifications/filters';
import { decodeCursor, findNotification, listHistory, streamHistory } from '../notifications/history';
import { type ReplayDeps, replay } from '../notifications/replay';
import { scopeFor } from '../scope';
import { rangeQuerySchema, resolveRange } from '../stats/range';
import { type RouteDeps, requireManager, requireViewer } from './context';

const statsQuerySchema = rangeQuerySchema.extend({ department: z.uuid().optional() });
const idParams = z.object({ id: z.string() });

/**
 * JSON API for people signed in to the pages (session cookie). A POST also needs the CSRF
 * token (`x-csrf-token`), which `GET /v1/session` hands out.
 */
export async function apiRoutes(app: FastifyInstance, deps: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const zone = deps.config.APP_TIMEZONE;

  r.get('/v1/session', { schema: { tags: ['session'] } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return {
      user: {
        id: viewer.userId,
        fullName: viewer.fullName,
        role: viewer.role,
        departmentId: viewer.departmentId,
      },
      csrfToken: reply.generateCsrf(),
    };
  });

  r.get('/v1/stats', { schema: { querystring: statsQuerySchema, tags: ['stats'] } }, async (request) => {
    const viewer = requireManager(request);
    const scope = scopeFor(viewer, request.query.department);
    const range = resolveRange(request.query, zone, deps.now());
    return deps.stats.read(scope, range, apiLanguage(request.headers['accept-language']));
  });

  r.get(
    '/v1/notifications',
    { schema: { querystring: historyQuerySchema, tags: ['notifications'] } },
    async (request) => {
      const viewer = requireManager(request);
      const scope = scopeFor(viewer, request.query.department);
      const cursor = request.query.cursor ? decodeCursor(request.query.cursor) : null;
      if (request.query.cursor && !cursor) throw new ValidationFailed('cursor');
      return listHistory(deps.sql, scope, request.query, { cursor, limit: request.query.limit }, zone);
    },
  );

  r.get(
    '/v1/notifications.csv',
    { schema: { querystring: historyFilterSchema, tags: ['notifications'] } },
    async (request, reply) => {
      const viewer = requireManager(request);
      const scope = scopeFor(viewer, request.query.department);
      const stamp = localDateOf(deps.now(), zone);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rappel-notifications-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(csvStream(streamHistory(deps.sql, scope, request.query, zone))));
    },
  );

  r.get(
    '/v1/notifications/:id',
    { schema: { params: idParams, tags: ['notifications'] } },
    async (request) => {
      const viewer = requireManager(request);
      const found = await findNotification(deps.sql, scopeFor(viewer), request.params.id);
      if (!found) throw new NotFound();
      return found;
    },
  );

  r.post(
    '/v1/notifications/:id/replay',
    { schema: { params: idParams, tags: ['replay'] }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const viewer = requireManager(request);
      const scope = scopeFor(viewer);
      if (!(await findNotification(deps.sql, scope, request.params.id))) throw new NotFound();
      const result = await replay(replayDeps(deps, request.log), viewer, scope, { byId: request.params.id });
      return reply.code(result.replayed.length ? 202 : 200).send(result);
    },
  );

  r.post(
    '/v1/notifications/replay',
    { schema: { querystring: historyFilterSchema, tags: ['replay'] }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const viewer = requireManager(request);
      const scope = scopeFor(viewer, request.query.department);
      const result = await replay(replayDeps(deps, request.log), viewer, scope, { byFilter: request.query });
      return reply.code(result.replayed.length ? 202 : 200).send(result);
    },
  );
}

export function replayDeps(deps: RouteDeps, log: { warn: (o: object, m: string) => void }): ReplayDeps {
  return {
    sql: deps.sql,
    queues: deps.queues,
    zone: deps.config.APP_TIMEZONE,
    redisUp: deps.redisUp,
    onQueueError: (error: unknown) =>
      log.warn({ err: error }, 'replay: queue unavailable, rows stay pending for the relay'),
  };
}
