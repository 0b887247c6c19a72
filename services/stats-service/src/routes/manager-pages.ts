import type { FastifyInstance } from 'fastify';
import { NotFound, ValidationFailed } from '../errors';
import { historyFilterSchema, historyQuerySchema } from '../notifications/filters';
import { decodeCursor, findNotification, listHistory } from '../notifications/history';
import { type ReplayResult, replay } from '../notifications/replay';
import { pageContext, sendPage } from '../plugins/web';
import { scopeFor } from '../scope';
import { rangeQuerySchema, resolveRange } from '../stats/range';
import { dashboardPage } from '../views/dashboard';
import { detailPage, historyPage } from '../views/history';
import { withQuery } from '../views/layout';
import { replayDeps } from './api';
import { listDepartments, type RouteDeps, requireManager } from './context';

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[] }[] } };
  },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationFailed(result.error.issues[0]?.path.join('.') || 'query');
  return result.data;
}

/** Dashboard, history and message pages: managers (their department) and super admins. */
export async function managerPages(app: FastifyInstance, deps: RouteDeps) {
  const zone = deps.config.APP_TIMEZONE;

  app.get('/', async (request, reply) => {
    const viewer = requireManager(request);
    const query = parse(
      rangeQuerySchema.extend(historyFilterSchema.pick({ department: true }).shape),
      request.query,
    );
    const scope = scopeFor(viewer, query.department);
    const range = resolveRange(query, zone, deps.now());
    const [stats, latest, departments] = await Promise.all([
      deps.stats.read(scope, range, request.lang),
      listHistory(deps.sql, scope, { from: range.from, to: range.to }, { limit: 50 }, zone),
      listDepartments(deps.sql, viewer),
    ]);
    return sendPage(
      reply,
      dashboardPage(pageContext(request, reply), { stats, latest: latest.items, departments, zone }),
    );
  });

  app.get('/notifications', async (request, reply) => {
    const viewer = requireManager(request);
    const query = parse(historyQuerySchema, request.query);
    const scope = scopeFor(viewer, query.department);
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    const [page, departments] = await Promise.all([
      listHistory(deps.sql, scope, query, { cursor, limit: query.limit }, zone),
      listDepartments(deps.sql, viewer),
    ]);
    return sendPage(
      reply,
      historyPage(pageContext(request, reply), {
        query,
        rows: page.items,
        nextCursor: page.nextCursor,
        departments,
        zone,
        flash: replayFlash(request.t, request.query as ReplayOutcome),
      }),
    );
  });

  app.get('/notifications/:id', async (request, reply) => {
    const viewer = requireManager(request);
    const found = await findNotification(deps.sql, scopeFor(viewer), (request.params as { id: string }).id);
    if (!found) throw new NotFound();
    return sendPage(
      reply,
      detailPage(
        pageContext(request, reply),
        found,
        zone,
        replayFlash(request.t, request.query as ReplayOutcome),
      ),
    );
  });

  app.post('/notifications/:id/replay', { preHandler: app.csrfProtection }, async (request, reply) => {
    const viewer = requireManager(request);
    const { id } = request.params as { id: string };
    const scope = scopeFor(viewer);
    if (!(await findNotification(deps.sql, scope, id))) throw new NotFound();
    const result = await replay(replayDeps(deps, request.log), viewer, scope, { byId: id });
    return reply.redirect(withQuery(`/notifications/${id}`, outcomeOf(result)), 303);
  });

  app.post('/notifications/replay', { preHandler: app.csrfProtection }, async (request, reply) => {
    const viewer = requireManager(request);
    const filter = parse(historyFilterSchema, request.query);
    const scope = scopeFor(viewer, filter.department);
    const result = await replay(replayDeps(deps, request.log), viewer, scope, { byFilter: filter });
    return reply.redirect(
      withQuery(request.url.replace('/notifications/replay', '/notifications'), outcomeOf(result)),
      303,
    );
  });
}

/** What a replay did, carried to the page it redirects to. */
interface ReplayOutcome {
  replayed?: string;
  queued?: string;
}

const outcomeOf = (result: ReplayResult): Record<string, string> => ({
  replayed: String(result.replayed.length),
  queued: String(result.queued),
});

/**
 * The notice after a replay. Rows Redis did not take (it is down) are still replayed: they
 * are pending, and the scheduler's relay queues them once Redis is back; the notice says so
 * rather than "queued".
 */
function replayFlash(
  t: (k: 'replayDone' | 'replayNone' | 'replayLeftToRelay', v?: Record<string, number>) => string,
  outcome: ReplayOutcome,
) {
  if (outcome.replayed === undefined) return undefined;
  const count = Number(outcome.replayed);
  if (!(count > 0)) return t('replayNone');
  const queued = outcome.queued === undefined ? count : Number(outcome.queued);
  return queued < count ? t('replayLeftToRelay', { count }) : t('replayDone', { count });
}
