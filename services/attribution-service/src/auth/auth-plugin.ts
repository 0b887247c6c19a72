import type { Database } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../http/errors';
import { authenticate } from './api-keys';

/** Every route registered in `app` (the /v1 scope) requires an API key. */
export function requireApiKey(app: FastifyInstance, deps: { db: Database; clock: Clock }): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request, reply) => {
    request.caller = await authenticate(deps.db, request.headers.authorization, deps.clock.now());
    if (!request.caller) {
      reply.header('www-authenticate', 'Bearer realm="rappel"');
      throw new UnauthorizedError();
    }
  });
}
