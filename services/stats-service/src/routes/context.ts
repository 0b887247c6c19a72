import type { Database } from '@rappel/db';
import type { DeliveryQueues } from '@rappel/queue';
import type { FastifyRequest } from 'fastify';
import type postgres from 'postgres';
import type { StatsConfig } from '../config';
import { Forbidden, Unauthenticated } from '../errors';
import { canReadStats, type Viewer } from '../scope';
import type { StatsReader } from '../stats/read-stats';

/** What the route plugins need, built once by app.ts. */
export interface RouteDeps {
  config: StatsConfig;
  db: Database;
  sql: postgres.Sql;
  queues: DeliveryQueues;
  /** Whether Redis answers now (within a second): replays publish only then, Bull Board opens only then. */
  redisUp: () => Promise<boolean>;
  stats: StatsReader;
  now: () => Date;
}

/** A super admin or a manager; anyone else gets 401 (not signed in) or 403. */
export function requireManager(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new Unauthenticated();
  if (!canReadStats(request.viewer)) throw new Forbidden();
  return request.viewer;
}

export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new Unauthenticated();
  return request.viewer;
}

export async function listDepartments(sql: postgres.Sql, viewer: Viewer) {
  if (viewer.role !== 'super_admin') return null;
  return sql<{ id: string; name: string }[]>`select id, name from departments order by name`;
}
